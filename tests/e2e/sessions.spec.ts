import type { APIRequestContext, Browser, BrowserContext } from '@playwright/test';
import { demoUsers, expect, test } from './fixtures';
import { LoginPage } from '../pages/login-page';
import { SettingsPage } from '../pages/settings-page';

const shots = (name: string) => `test-results/screens/sessions-${name}.png`;
const suffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** A new agent made through the API by the admin's context. */
async function newAgent(admin: APIRequestContext, baseURL: string) {
  const u = { name: `Rosa Session ${suffix()}`, email: `rosa-${suffix()}@parley.test`, password: 'rosa-password-1' };
  const res = await admin.post('/api/v1/users', { data: { ...u, role: 'agent', languages: ['en'] }, headers: { origin: baseURL } });
  expect(res.status(), await res.text()).toBe(201);
  return { ...u, id: ((await res.json()) as { id: string }).id };
}

/** Signs in through the login form in a fresh browser context; answers the context and its session cookie. */
async function signInWithForm(browser: Browser, baseURL: string, u: { email: string; password: string }) {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(u.email, u.password);
  await expect(page).toHaveURL(/\/inbox$/);
  const cookie = (await ctx.cookies()).find((c) => c.name.endsWith('next-auth.session-token'))!;
  expect(cookie).toBeDefined();
  return { ctx, page, cookie };
}

/** /api/v1/me with only this cookie, from a context that never signed in. */
async function meWith(browser: Browser, baseURL: string, cookie: Awaited<ReturnType<BrowserContext['cookies']>>[number]) {
  const ctx = await browser.newContext({ baseURL });
  await ctx.addCookies([cookie]);
  const status = (await ctx.request.get('/api/v1/me')).status();
  await ctx.close();
  return status;
}

test('signing out ends the session: the same cookie replayed afterwards is refused', async ({ browser, baseURL, loginAs }) => {
  const admin = await loginAs('admin');
  const u = await newAgent(admin.request, baseURL!);
  const { ctx, page, cookie } = await signInWithForm(browser, baseURL!, u);
  expect(await meWith(browser, baseURL!, cookie)).toBe(200);
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/login/);
  expect(await meWith(browser, baseURL!, cookie)).toBe(401);
  await ctx.close();
});

test('an admin sees a user’s signed-in browsers and signs them out everywhere', async ({ browser, baseURL, loginAs }) => {
  const admin = await loginAs('admin');
  const u = await newAgent(admin.request, baseURL!);
  const user = await signInWithForm(browser, baseURL!, u);

  const settings = new SettingsPage(admin);
  await settings.goto('users');
  await admin.getByTestId(`user-row-${u.email}`).getByTestId('user-edit').click();
  const dialog = settings.dialog('user');
  const sessions = dialog.getByTestId('user-sessions');
  await expect(sessions.getByRole('heading', { name: 'Signed-in browsers' })).toBeVisible();
  await expect(sessions.getByTestId('user-session')).toHaveCount(1);
  await expect(sessions.getByTestId('user-session')).toContainText('Chrome on Linux');
  await admin.screenshot({ path: shots('user-dialog-desktop'), fullPage: true });
  await admin.setViewportSize({ width: 390, height: 844 });
  await sessions.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: shots('user-dialog-390'), fullPage: true });
  await admin.setViewportSize({ width: 1280, height: 720 });

  admin.once('dialog', (d) => void d.accept());
  await sessions.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(sessions.getByTestId('user-sessions-done')).toHaveText('Signed out everywhere: 1 session and 0 login tokens ended.');
  await expect(sessions.getByTestId('user-sessions-empty')).toBeVisible();

  // The user's open tab is sent to sign in at once (its socket was told the session ended), and the
  // old cookie is refused.
  await expect(user.page).toHaveURL(/\/login\?next=%2Finbox/);
  expect((await user.ctx.request.get('/api/v1/me')).status()).toBe(401);
  await user.ctx.close();
});

test('the admin’s token list shows password-login tokens by user, and revoking one stops it', async ({ baseURL, loginAs, playwright }) => {
  const admin = await loginAs('admin');
  const u = await newAgent(admin.request, baseURL!);
  const api = await playwright.request.newContext({ baseURL });
  const login = await api.post('/api/v1/auth/token', { data: { email: u.email, password: u.password } });
  expect(login.status()).toBe(201);
  const { token } = (await login.json()) as { token: string };
  const me = () => api.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect((await me()).status()).toBe(200);

  const settings = new SettingsPage(admin);
  await settings.goto('api-tokens');
  const row = admin.getByTestId(`api-token-row-login-${u.email}`);
  await expect(row).toContainText('Password login');
  await expect(row).toContainText(u.name);
  await admin.screenshot({ path: shots('api-tokens-desktop'), fullPage: true });
  admin.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: `Revoke ${u.name}'s password-login token` }).click();
  await expect(row).toHaveAttribute('data-status', 'revoked');
  expect((await me()).status()).toBe(401);
  await api.dispose();
});

test('the sign-in form says how long to wait after too many wrong passwords', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  // An address nobody uses, so no real account is locked by this test.
  const email = `nobody-${suffix()}@parley.test`;
  for (let i = 1; i <= 4; i++) {
    await login.signIn(email, `guess-${i}`);
    await expect(login.error()).toHaveText('Wrong email or password.');
    await page.getByLabel('Password').fill('');
  }
  await login.signIn(email, 'guess-5');
  await expect(login.error()).toHaveText('Too many sign-in attempts. Try again in 15 minutes.');
  await login.signIn(email, 'guess-6');
  await expect(login.error()).toHaveText(/^Too many sign-in attempts\. Try again in 1[45] minutes\.$/);
  await page.screenshot({ path: shots('login-throttled-desktop') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shots('login-throttled-390') });
  // The demo agent is not affected by a stranger's guesses on another account from the same address.
  await page.setViewportSize({ width: 1280, height: 720 });
  await login.signIn(demoUsers.agent.email, demoUsers.agent.password);
  await expect(page).toHaveURL(/\/inbox$/);
});
