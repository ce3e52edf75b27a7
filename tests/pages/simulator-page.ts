import { expect, type Locator, type Page } from '@playwright/test';

/** /simulator: the simulated customers' phones. */
export class SimulatorPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/simulator');
    await expect(this.page.getByTestId('sim-channel')).toBeVisible({ timeout: 90_000 });
  }

  async selectChannel(name: string) {
    const select = this.page.getByTestId('sim-channel');
    const value = await select.locator('option', { hasText: name }).first().getAttribute('value');
    await select.selectOption(value!);
  }

  async openCustomer(phone: string, name: string) {
    await this.page.getByTestId('sim-customer-phone').fill(phone);
    await this.page.getByTestId('sim-customer-name').fill(name);
    await this.page.getByTestId('sim-open-customer').click();
    await expect(this.tab(phone)).toHaveAttribute('aria-selected', 'true');
    await expect(this.page.getByTestId('sim-phone')).toContainText(`you are ${name}`);
  }

  tab(phone: string): Locator {
    return this.page.locator(`[data-testid="sim-tab"][data-phone="${phone}"]`);
  }

  async send(text: string) {
    await this.page.getByTestId('sim-input').fill(text);
    await this.page.getByTestId('sim-input').press('Enter');
    await expect(this.mine(text).last()).toHaveAttribute('data-status', 'accepted', { timeout: 30_000 });
  }

  async sendFile(file: { name: string; mimeType: string; buffer: Buffer }, caption?: string) {
    await this.page.getByTestId('sim-file-input').setInputFiles(file);
    await expect(this.page.getByTestId('sim-file-chip')).toContainText(file.name);
    if (caption) await this.page.getByTestId('sim-input').fill(caption);
    await this.page.getByTestId('sim-send').click();
    await expect(this.page.getByTestId('sim-file-chip')).toHaveCount(0, { timeout: 30_000 });
  }

  async shareLocation() {
    await this.page.getByLabel('Share a location').click();
    await this.page.getByTestId('sim-send-location').click();
  }

  /** Messages the simulated customer wrote. */
  mine(text?: string): Locator {
    const all = this.page.locator('[data-testid="sim-message"][data-direction="customer"]');
    return text ? all.filter({ hasText: text }) : all;
  }

  /** Messages the business (an agent) sent to this customer. */
  fromBusiness(text?: string): Locator {
    const all = this.page.locator('[data-testid="sim-message"][data-direction="business"]');
    return text ? all.filter({ hasText: text }) : all;
  }

  async armFailure(code: string) {
    await this.page.getByTestId('sim-failure-code').selectOption(code);
    await this.page.getByTestId('sim-failure-arm').click();
    await expect(this.page.getByTestId('sim-failure-armed')).toContainText(code);
  }
}
