import type { Page } from '@playwright/test';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(next?: string) {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    await this.waitReady();
  }

  /** The form works once React has hydrated it (slow on a busy machine or a cold dev server). */
  async waitReady() {
    await this.page.locator('[data-testid="login-form"][data-ready="true"]').waitFor({ timeout: 90_000 });
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  error() {
    return this.page.getByTestId('login-error');
  }
}
