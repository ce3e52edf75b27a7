import { demoUsers, expect, test } from './fixtures';
import { LoginPage } from '../pages/login-page';

const homes = [
  { who: 'agent', path: '/inbox' },
  { who: 'supervisor', path: '/live' },
  { who: 'admin', path: '/settings' },
] as const;

for (const { who, path } of homes) {
  test(`${who} signs in and lands on their home (${path})`, async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(demoUsers[who].email, demoUsers[who].password);
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByTestId('current-user')).toContainText(demoUsers[who].name);
    await page.screenshot({ path: `test-results/screens/home-${who}.png` });
  });
}

test('in demo mode a demo login fills the form in with one click', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await page.getByTestId('demo-login').filter({ hasText: demoUsers.supervisor.email }).click();
  await expect(page.getByLabel('Email')).toHaveValue(demoUsers.supervisor.email);
  await expect(page.getByLabel('Password')).toHaveValue(demoUsers.supervisor.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/live$/);
});

test('a wrong password shows an error and stays on the login page', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(demoUsers.agent.email, 'not-the-password');
  await expect(login.error()).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: 'test-results/screens/login-error.png' });
});

test('a page of another role answers 403 with a way home, not a blank screen', async ({ loginAs }) => {
  const page = await loginAs('agent');
  const res = await page.goto('/settings');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toContainText('not part of your role');
  await page.getByRole('link', { name: 'Go to my home' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
});

test('signed-out visitors are sent to login and come back after signing in', async ({ page }) => {
  await page.goto('/live');
  await expect(page).toHaveURL(/\/login\?next=%2Flive/);
  const login = new LoginPage(page);
  await login.waitReady();
  await login.signIn(demoUsers.supervisor.email, demoUsers.supervisor.password);
  await expect(page).toHaveURL(/\/live$/);
});
