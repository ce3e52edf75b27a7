import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';
import { InboxPage } from '../pages/inbox-page';
import { SimulatorApi, randomCustomer } from '../pages/simulator-api';
import { SupervisorPage } from '../pages/supervisor-page';

const shots = 'test-results/screens';

test.describe.configure({ mode: 'serial' });

const name = `Barbara McClintock ${Math.floor(Math.random() * 9000 + 1000)}`;

test('a supervisor reads an agent’s chat read-only, and transfers it only to members of its queue', async ({ loginAs }) => {
  const agentPage = await loginAs('agent');
  const inbox = new InboxPage(agentPage);
  await inbox.goto();
  await inbox.resolveAllMine();
  await inbox.setPresence('available');
  const supervisorPage = await loginAs('supervisor');
  const sim = new SimulatorApi(supervisorPage.request);
  const channel = await sim.channel('en');
  await sim.send(channel.id, { from: randomCustomer(), profileName: name, text: 'Where is my order?' });
  await inbox.accept(name);
  const { items } = (await (await agentPage.request.get('/api/v1/conversations?status=active&limit=200')).json()) as {
    items: { id: string; contact: { name: string } }[];
  };
  const chat = items.find((c) => c.contact.name === name)!;

  // In the inbox: the transcript, no composer, and why.
  await supervisorPage.goto(`/inbox?c=${chat.id}`);
  await expect(supervisorPage.getByTestId('chat-title')).toHaveText(name, { timeout: 60_000 });
  await expect(supervisorPage.getByText('Where is my order?')).toBeVisible();
  await expect(supervisorPage.getByTestId('composer-input')).toHaveCount(0);
  await expect(supervisorPage.getByText('Read-only: only the agent this chat is assigned to can reply.')).toBeVisible();
  await supervisorPage.screenshot({ path: `${shots}/supervisor-inbox-read-only-1280.png` });
  // The workspace is a three-column desktop layout (the chat pane does not fit 390 px): looked at, not asserted.
  await supervisorPage.setViewportSize({ width: 390, height: 844 });
  await supervisorPage.screenshot({ path: `${shots}/supervisor-inbox-read-only-390.png` });
  await supervisorPage.setViewportSize({ width: 1280, height: 720 });
  // The API says the same.
  const post = await supervisorPage.request.post(`/api/v1/conversations/${chat.id}/messages`, { data: { clientId: 'sup-1', text: 'Hi from a supervisor' } });
  expect(post.status()).toBe(403);

  // Live view: the transfer picker offers the chat's queue members (the two demo agents), nobody else.
  const sup = new SupervisorPage(supervisorPage);
  await sup.gotoLive();
  await sup.openLiveChat(name);
  const transcript = supervisorPage.getByTestId('live-transcript');
  const members = transcript.locator('optgroup[label="Members of this queue"] option');
  await expect(members).toHaveCount(2);
  expect((await members.allTextContents()).map((t) => t.split(' (')[0])).toEqual(['Alex Agent', 'Lucía Agente']);
  await supervisorPage.screenshot({ path: `${shots}/supervisor-live-transfer-members.png` });
  await inbox.resolveAllMine();
});

test('a page of another origin (same host, another port) cannot open a socket with the user’s cookie', async ({ loginAs, baseURL }) => {
  const page = await loginAs('agent');
  await page.goto('/inbox');
  await expect(page.getByTestId('agent-workspace')).toBeVisible({ timeout: 90_000 });
  const wsUrl = `${baseURL!.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
  // Opens Parley's socket with a raw WebSocket (the browser adds Origin and the cookie itself) and
  // reports whether Socket.IO let it in: "40{...}" answers the connect of an authenticated socket.
  const probe = (url: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url);
      const done = (r: string) => (ws.close(), resolve(r));
      ws.onmessage = (m) => {
        const d = String(m.data);
        if (d.startsWith('0')) ws.send('40');
        else if (d.startsWith('40')) done('connected');
        else if (d.startsWith('44')) done(`refused: ${d}`);
      };
      ws.onerror = () => done('refused: handshake failed');
      setTimeout(() => done('timeout'), 10_000);
    });

  // Parley's own page: connected.
  expect(await page.evaluate(probe, wsUrl)).toBe('connected');

  // A sibling app on another port of the same host: same site, so the browser sends the cookie.
  let server: Server | undefined;
  try {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const evil = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await page.goto(evil);
    expect(await page.evaluate(probe, wsUrl)).toMatch(/^refused/);
  } finally {
    server?.close();
  }
});
