import { seriousViolations } from './axe';
import { expect, test } from './fixtures';
import { LoginPage } from '../pages/login-page';

/**
 * Every page this session's trust work touched, at phone and desktop width: no serious or critical
 * axe violation, and the signed-in header (with Sign out) stays on screen.
 */
const widths = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

for (const size of widths) {
  test(`admin pages at ${size.name} width pass axe: users with signed-in browsers, API tokens, contacts & privacy`, async ({ loginAs }) => {
    const page = await loginAs('admin');
    await page.setViewportSize(size);
    for (const tab of ['users', 'api-tokens', 'privacy', 'channels']) {
      await page.goto(`/settings/${tab}`);
      await expect(page.getByTestId(`settings-tab-${tab}`)).toHaveAttribute('aria-current', 'page');
      await page.waitForLoadState('networkidle');
      expect(await seriousViolations(page), `/settings/${tab}`).toEqual([]);
      await page.screenshot({ path: `test-results/screens/a11y-settings-${tab}-${size.name}.png`, fullPage: true });
    }
    await expect(page.getByTestId('sign-out')).toBeInViewport();
    // The user dialog with its signed-in browsers section.
    await page.goto('/settings/users');
    await page.getByTestId('user-edit').first().click();
    await expect(page.getByTestId('user-sessions')).toBeVisible();
    expect(await seriousViolations(page), 'user dialog').toEqual([]);
  });

  test(`supervisor pages at ${size.name} width pass axe: read-only inbox, live queues, history`, async ({ loginAs }) => {
    const page = await loginAs('supervisor');
    await page.setViewportSize(size);
    const found: Record<string, string[]> = {};
    for (const p of ['/inbox', '/live', '/history']) {
      await page.goto(p);
      await page.waitForLoadState('networkidle');
      found[p] = await seriousViolations(page);
      await page.screenshot({ path: `test-results/screens/a11y-supervisor${p.replace('/', '-')}-${size.name}.png`, fullPage: true });
    }
    expect(found).toEqual({ '/inbox': [], '/live': [], '/history': [] });
    await expect(page.getByTestId('sign-out')).toBeInViewport();
  });

  test(`sign-in at ${size.name} width passes axe, with an error shown`, async ({ page }) => {
    await page.setViewportSize(size);
    const login = new LoginPage(page);
    await login.goto();
    expect(await seriousViolations(page)).toEqual([]);
    await login.signIn(`nobody-a11y-${size.name}@parley.test`, 'wrong');
    await expect(login.error()).toBeVisible();
    expect(await seriousViolations(page), 'with the error').toEqual([]);
  });
}
