import { expect, test } from './fixtures';
import { InboxPage } from '../pages/inbox-page';
import { SimulatorPage } from '../pages/simulator-page';

const shots = 'test-results/screens';
const phone = () => `+1555${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;
// A 1×1 PNG: the media download job sniffs the real type, so it must be a real image.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e0c2ee0000000049454e44ae426082',
  'hex',
);

test.describe.configure({ mode: 'serial' });

test('typed in /simulator, a message reaches the agent live; the reply reaches the phone and its ticks go to read', async ({ loginAs }) => {
  const agentPage = await loginAs('agent');
  const inbox = new InboxPage(agentPage);
  await inbox.goto();
  await inbox.setPresence('available');

  const sim = new SimulatorPage(await loginAs('supervisor'));
  await sim.goto();
  await sim.selectChannel('Support (simulator)');
  const customer = phone();
  await sim.openCustomer(customer, 'Ada Lovelace');
  await sim.send('Hello from the simulator 👋 where is my parcel?');

  await expect(inbox.waiting('Ada Lovelace')).toBeVisible({ timeout: 20_000 });
  await inbox.accept('Ada Lovelace');
  await expect(inbox.inbound('where is my parcel')).toBeVisible();

  await inbox.reply('Hi Ada, let me check that for you.');
  // Live on the phone, no reload; the open chat on a visible screen reads it.
  await expect(sim.fromBusiness('let me check that')).toBeVisible({ timeout: 20_000 });
  await expect(sim.fromBusiness('let me check that')).toHaveAttribute('data-status', 'read', { timeout: 20_000 });
  await expect(inbox.outbound('let me check that').getByTestId('ticks')).toHaveAttribute('data-status', 'read', { timeout: 20_000 });
  await sim.page.screenshot({ path: `${shots}/simulator-chat.png` });
  await agentPage.screenshot({ path: `${shots}/simulator-agent-read.png` });

  // A file from the picker, and a location, reach the agent with their content.
  await sim.sendFile({ name: 'parcel.png', mimeType: 'image/png', buffer: PNG }, 'this is the label');
  await expect(inbox.inbound('this is the label').getByTestId('attachment-image')).toBeVisible({ timeout: 30_000 });
  await sim.shareLocation();
  await expect(agentPage.getByTestId('location').last()).toBeVisible({ timeout: 20_000 });
});

test('the "fail next send" switch makes the agent see 63024 as failed with its reason', async ({ loginAs }) => {
  const agentPage = await loginAs('agent');
  const inbox = new InboxPage(agentPage);
  await inbox.goto();
  await inbox.setPresence('available');

  const sim = new SimulatorPage(await loginAs('supervisor'));
  await sim.goto();
  await sim.selectChannel('Support (simulator)');
  const customer = phone();
  await sim.openCustomer(customer, 'Grace Failing');
  await sim.send('Please answer me');
  await expect(inbox.waiting('Grace Failing')).toBeVisible({ timeout: 20_000 });
  await inbox.accept('Grace Failing');

  await sim.armFailure('63024');
  await inbox.reply('You will never get this one');
  const sent = inbox.outbound('never get this one');
  await expect(sent.getByTestId('ticks')).toHaveAttribute('data-status', 'failed', { timeout: 20_000 });
  await expect(sent.getByTestId('failure-reason')).toContainText(/not on WhatsApp/i);
  await expect(sim.fromBusiness('never get this one')).toHaveAttribute('data-status', 'failed', { timeout: 20_000 });
  await expect(sim.page.getByTestId('sim-failure-armed')).toHaveCount(0, { timeout: 10_000 });
  await agentPage.screenshot({ path: `${shots}/simulator-agent-failed.png` });
  await sim.page.screenshot({ path: `${shots}/simulator-failed.png` });

  // Only that one: the next reply goes through.
  await inbox.reply('But this one arrives');
  await expect(sim.fromBusiness('this one arrives')).toBeVisible({ timeout: 20_000 });
});

test('several customer tabs at once each keep their own chat', async ({ loginAs }) => {
  const sim = new SimulatorPage(await loginAs('admin'));
  await sim.goto();
  await sim.selectChannel('Support (simulator)');
  const [a, b] = [phone(), phone()];
  await sim.openCustomer(a, 'Tab One');
  await sim.send('first tab message');
  await sim.openCustomer(b, 'Tab Two');
  await expect(sim.mine('first tab message')).toHaveCount(0);
  await sim.send('second tab message');
  await sim.tab(a).click();
  await expect(sim.mine('first tab message')).toBeVisible();
  await expect(sim.mine('second tab message')).toHaveCount(0);
  await sim.page.screenshot({ path: `${shots}/simulator-tabs.png` });
});

test('in embedded demo mode the login page leads to the simulator without signing in', async ({ page }) => {
  await page.goto('/login');
  const link = page.getByTestId('login-simulator-link');
  test.skip((await link.count()) === 0, 'the e2e server runs on Postgres (not embedded): the simulator needs a login there');
  await link.click();
  await expect(page.getByTestId('sim-channel')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText('Demo · customer simulator')).toBeVisible();
});
