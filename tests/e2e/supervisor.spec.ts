import { expect, test } from './fixtures';
import { InboxPage } from '../pages/inbox-page';
import { SimulatorApi, randomCustomer } from '../pages/simulator-api';
import { SupervisorPage } from '../pages/supervisor-page';

const shots = 'test-results/screens';

test.describe.configure({ mode: 'serial' });

const name = `Rosalind Franklin ${Math.floor(Math.random() * 9000 + 1000)}`;
let customer = '';

test('the supervisor sees a chat appear, get assigned and closed, live', async ({ loginAs }) => {
  // A queue with a long name is a transfer target: the transfer controls must still fit the panel.
  const admin = await loginAs('admin');
  const longQueue = await admin.request.post('/api/v1/queues', {
    data: { name: `Atención al cliente — reclamaciones, devoluciones y garantías ${name.slice(-4)}` },
  });
  expect(longQueue.status(), await longQueue.text()).toBe(201);
  const supervisorPage = await loginAs('supervisor');
  const agentPage = await loginAs('agent');
  const sup = new SupervisorPage(supervisorPage);
  const inbox = new InboxPage(agentPage);
  await sup.gotoLive();
  await inbox.goto();
  await inbox.setPresence('available');

  const sim = new SimulatorApi(supervisorPage.request);
  const channel = await sim.channel('en');
  customer = randomCustomer();
  await sim.send(channel.id, { from: customer, profileName: name, text: 'My parcel with the microscope arrived damaged' });

  // Appears as waiting, without a reload.
  await expect(sup.liveChat(name)).toHaveAttribute('data-status', 'waiting');
  await supervisorPage.screenshot({ path: `${shots}/supervisor-live-waiting.png` });

  // The agent accepts: the supervisor sees it active with the agent's name.
  await inbox.accept(name);
  await expect(sup.liveChat(name)).toHaveAttribute('data-status', 'active');
  await expect(sup.liveChat(name).getByTestId('live-chat-agent')).toHaveText('Alex Agent');
  await inbox.reply('So sorry! We will send a new one today.');

  // Read-only transcript, updated live; then the supervisor resolves it and it leaves the list.
  await sup.openLiveChat(name);
  const transcript = supervisorPage.getByTestId('live-transcript');
  await expect(transcript.getByText('send a new one today')).toBeVisible();
  await expect(transcript.getByRole('textbox')).toHaveCount(0);
  for (const control of ['transfer-target', 'transfer', 'resolve']) await expect(transcript.getByTestId(control)).toBeInViewport({ ratio: 1 });
  await supervisorPage.screenshot({ path: `${shots}/supervisor-live-transcript.png` });
  await sup.resolveOpenChat();
  await expect(transcript.getByTestId('transcript-status')).toHaveText('closed');
  await expect(sup.liveChat(name)).toHaveCount(0);
});

test('the supervisor searches history, opens the transcript and exports CSV', async ({ loginAs }) => {
  const page = await loginAs('supervisor');
  const sup = new SupervisorPage(page);
  await sup.gotoHistory();

  await sup.search({ q: 'microscopes', contact: customer });
  await expect(sup.results()).toHaveCount(1);
  await expect(sup.results().first()).toContainText(name);
  await expect(sup.results().first()).toContainText('Alex Agent');
  await page.screenshot({ path: `${shots}/supervisor-history.png` });

  const csv = await sup.exportCsv();
  const lines = csv.trim().split(/\r?\n/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(customer);
  await expect(page.getByTestId('export-progress')).toContainText('1 / 1 rows');

  await sup.openResult(name);
  await expect(page.getByTestId('transcript-messages')).toContainText('arrived damaged');
  await expect(page.getByTestId('transcript-messages')).toContainText('send a new one today');
  await expect(page.getByTestId('transcript-status')).toHaveText('closed');
  await page.screenshot({ path: `${shots}/supervisor-transcript.png` });

  // A link cut short or mistyped, and one to a conversation that does not exist, say so in words.
  for (const id of [page.url().split('/').pop()!.slice(0, 20), '00000000-0000-4000-8000-000000000000']) {
    await page.goto(`/history/${id}`);
    await expect(page.getByTestId('transcript-error')).toContainText('No such conversation');
    await expect(page.getByTestId('back-to-history')).toBeVisible();
  }
});

test('reports show charts with downloadable numbers', async ({ loginAs }) => {
  const page = await loginAs('supervisor');
  const sup = new SupervisorPage(page);
  await sup.gotoReports();
  await expect(page.getByTestId('chart-volume').locator('.recharts-surface').first()).toBeVisible();
  const csv = await page.request.get((await page.getByTestId('chart-volume-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/^bucket,conversations,inbound_messages,outbound_messages/);
  await page.screenshot({ path: `${shots}/supervisor-reports.png`, fullPage: true });
});

test('a slow, older answer of the live summary never overwrites a newer one', async ({ loginAs }) => {
  const page = await loginAs('supervisor');
  const sup = new SupervisorPage(page);
  await sup.gotoLive();
  const sim = new SimulatorApi(page.request);
  const channel = await sim.channel('en');
  const first = `Ada Lovelace ${Math.floor(Math.random() * 9000 + 1000)}`;
  const second = `Grace Hopper ${Math.floor(Math.random() * 9000 + 1000)}`;

  // The next summary request is answered with what the server said then, but only after a newer
  // request has been answered: as a slow network or a busy server would do.
  let held: (() => void) | undefined;
  const newerAnswered = new Promise<void>((resolve) => (held = resolve));
  let heldSeen: () => void = () => {};
  const heldStarted = new Promise<void>((resolve) => (heldSeen = resolve));
  let holding = true;
  let staleDelivered = false;
  await page.route('**/api/v1/supervision?**', async (route) => {
    if (holding) {
      holding = false;
      const stale = await route.fetch();
      const body = await stale.text();
      heldSeen();
      await newerAnswered;
      await route.fulfill({ status: stale.status(), headers: stale.headers(), body });
      staleDelivered = true;
      return;
    }
    const res = await route.fetch();
    await route.fulfill({ response: res });
    if (held && (await res.text()).includes(second)) held();
  });

  await sim.send(channel.id, { from: randomCustomer(), profileName: first, text: 'Is the analytical engine in stock?' });
  await heldStarted;
  await sim.send(channel.id, { from: randomCustomer(), profileName: second, text: 'I found a moth in my order' });
  await expect.poll(() => staleDelivered).toBe(true);
  await page.waitForTimeout(500);
  // Both chats are still listed: the older answer (without the second chat) was ignored.
  await expect(sup.liveChat(first)).toBeVisible();
  await expect(sup.liveChat(second)).toBeVisible();
  await page.screenshot({ path: `${shots}/supervisor-live-newest-wins.png` });
});
