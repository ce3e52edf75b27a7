import fs from 'node:fs';
import postgres from 'postgres';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { InboxPage } from '../pages/inbox-page';
import { SimulatorApi, randomCustomer } from '../pages/simulator-api';

const shots = 'test-results/screens';

/** The e2e server's database URL when it runs on Postgres (CI); null with the embedded PGlite. */
function e2eDatabaseUrl(): string | null {
  const file = `test-results/e2e-server-${process.env.E2E_PORT}.json`;
  if (!fs.existsSync(file)) return null;
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { databaseUrl: string | null }).databaseUrl;
}

test.describe.configure({ mode: 'serial' });

type LoginAs = (who: 'agent' | 'agente' | 'supervisor') => Promise<Page>;

/**
 * An agent's inbox (Alex's unless `who` says Lucía's), available and without the chats of earlier
 * tests; the supervisor's simulator plays the customers.
 */
async function readyAgent(loginAs: LoginAs, who: 'agent' | 'agente' = 'agent'): Promise<{ page: Page; sim: SimulatorApi; inbox: InboxPage }> {
  const page = await loginAs(who);
  const supervisor = await loginAs('supervisor');
  const sim = new SimulatorApi(supervisor.request);
  const inbox = new InboxPage(page);
  await inbox.resolveAllMine();
  await inbox.goto();
  await inbox.setPresence('available');
  return { page, sim, inbox };
}

// Names unique per run: a retried test must not find the chats of its first attempt.
const run = Math.random().toString(36).slice(2, 6);
const names = {
  grace: `Grace Hopper ${run}`,
  mercedes: `Mercedes Sosa ${run}`,
  ada: `Hedy Lamarr ${run}`,
  alan: `Alan Turing ${run}`,
  katherine: `Katherine Johnson ${run}`,
  linus: `Linus Pauling ${run}`,
};

test('a customer message appears live; the agent accepts, replies, and sees the ticks go to read', async ({ loginAs }) => {
  const { page: agentPage, sim, inbox } = await readyAgent(loginAs);

  const channel = await sim.channel('en');
  const customer = randomCustomer();
  await sim.send(channel.id, { from: customer, profileName: names.grace, text: 'Hi! My order *#1234* has not arrived 📦' });

  // Arrives without a reload, in the waiting list, with its preview and language.
  await expect(inbox.waiting(names.grace)).toBeVisible();
  await expect(inbox.waiting(names.grace).getByTestId('conversation-preview')).toContainText('My order #1234 has not arrived');
  await agentPage.screenshot({ path: `${shots}/agent-waiting.png` });

  await inbox.accept(names.grace);
  await expect(inbox.inbound('has not arrived')).toBeVisible();
  await expect(inbox.inbound('has not arrived').locator('strong')).toHaveText('#1234');
  await expect(agentPage.getByTestId('window-countdown')).toContainText(/2[34]h \d+m left/);

  await inbox.reply('Sorry about that, Grace! Checking now.');
  const reply = inbox.outbound('Checking now');
  await expect(reply).toHaveCount(1);
  await expect(reply.getByTestId('ticks')).toHaveAttribute('data-status', /sent|delivered|read/);

  // The customer's phone shows it; reading it sends delivered then read back to Parley.
  let sid = '';
  await expect
    .poll(async () => {
      const msgs = await sim.inbox(channel.id, customer);
      sid = msgs.find((m) => m.body?.includes('Checking now'))?.sid ?? '';
      return sid;
    })
    .not.toBe('');
  await sim.read(channel.id, [sid]);
  await expect(reply.getByTestId('ticks')).toHaveAttribute('data-status', 'read');
  await agentPage.screenshot({ path: `${shots}/agent-reply-read.png` });

  // A double Enter sends once.
  await inbox.input().fill('Only once please');
  await inbox.input().press('Enter');
  await inbox.input().press('Enter');
  await expect(inbox.outbound('Only once please')).toHaveCount(1);
  await inbox.resolveAllMine();
});

test('"/" offers the Spanish quick replies on a Spanish chat, with the fields filled in', async ({ loginAs }) => {
  const admin = await loginAs('admin');
  const shortcut = `saludo${run}`;
  const created = await admin.request.post('/api/v1/quick-replies', {
    data: { shortcut, language: 'es', text: 'Hola {{contact.name}}, soy {{agent.name}}. ¿En qué puedo ayudarte?' },
  });
  expect(created.status(), await created.text()).toBe(201);
  await admin.request.post('/api/v1/quick-replies', {
    data: { shortcut: `hello${Date.now() % 10000}`, language: 'en', text: 'Hello {{contact.name}}!' },
  });
  const callShortcut = `llamar${run}`;
  const call = await admin.request.post('/api/v1/quick-replies', { data: { shortcut: callShortcut, language: 'es', text: 'Le llamamos al {{contact.phone}}.' } });
  expect(call.status(), await call.text()).toBe(201);

  const page = await loginAs('agente');
  const inbox = new InboxPage(page);
  // A slow network: the page's reads of a single chat are answered late, with what the server said
  // when asked. The chat is offered to her a moment after it arrives; a late answer read before the
  // offer must not take the offer (and its Accept button) away again.
  await page.route(/\/api\/v1\/conversations\/[0-9a-f-]{36}$/, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response });
  });
  await inbox.resolveAllMine();
  await inbox.goto();
  await inbox.setPresence('available');
  const sim = new SimulatorApi(admin.request);
  const channel = await sim.channel('es');
  // On Postgres, the offer is held back a second (her row stays locked by another session, as a
  // busy server would), so the page's read of the new chat surely answers with the chat before the offer.
  const databaseUrl = e2eDatabaseUrl();
  const db = databaseUrl ? postgres(databaseUrl, { max: 1, onnotice: () => {} }) : null;
  const held = db?.begin(async (tx) => {
    await tx`select id from users where email = 'agente@parley.test' for update`;
    await new Promise((r) => setTimeout(r, 1000));
  });
  const customer = randomCustomer('+3461');
  await sim.send(channel.id, { from: customer, profileName: names.mercedes, text: 'Hola, ¿tienen envío a Madrid?' });
  await held;
  await db?.end();

  // Soporte assigns to the least busy Spanish speaker: it lands in "My chats" (or is offered first).
  const item = inbox.chat(names.mercedes);
  await expect(item).toBeVisible();
  // Depending on timing the chat is assigned directly or first offered to her: accept if offered.
  await expect(async () => {
    if (await inbox.mine(names.mercedes).isVisible()) return;
    const accept = item.getByTestId('accept');
    if (await accept.isVisible()) await accept.click();
    await expect(inbox.mine(names.mercedes)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 }).catch(async (err: Error) => {
    // What the server thinks, so a failure here says why (routing, presence or the page).
    const chats = (await (await admin.request.get('/api/v1/conversations?status=waiting,active&limit=200')).json()) as {
      items: { id: string; status: string; queueId: string; assigneeId: string | null; offeredToId: string | null; createdAt: string; contact: { name: string | null } }[];
    };
    const supervision = await (await admin.request.get('/api/v1/supervision')).text();
    throw new Error(`${err.message}\nchats: ${JSON.stringify(chats.items)}\nsupervision: ${supervision.slice(0, 4000)}`);
  });
  await inbox.mine(names.mercedes).click();

  await inbox.input().fill('/');
  const options = page.getByTestId('quick-reply-option');
  await expect(options.first()).toBeVisible();
  // Only Spanish replies on a Spanish chat.
  await expect(page.getByTestId('quick-replies')).not.toContainText('Hello');
  await expect(options.filter({ hasText: shortcut })).toContainText(`Hola ${names.mercedes}, soy Lucía Agente`);
  await page.screenshot({ path: `${shots}/agent-quick-replies-es.png` });
  await inbox.input().fill(`/${shortcut}`);
  await expect(options).toHaveCount(1);
  await inbox.input().press('Enter');
  await expect(inbox.input()).toHaveValue(`Hola ${names.mercedes}, soy Lucía Agente. ¿En qué puedo ayudarte?`);
  await inbox.input().press('Enter');
  await expect(inbox.outbound('¿En qué puedo ayudarte?')).toBeVisible();

  // {{contact.phone}}: what the box shows is what the customer's phone gets.
  await inbox.input().fill(`/${callShortcut}`);
  await expect(options).toHaveCount(1);
  await inbox.input().press('Enter');
  await expect(inbox.input()).toHaveValue(`Le llamamos al ${customer}.`);
  await page.screenshot({ path: `${shots}/agent-quick-reply-phone.png` });
  await inbox.input().press('Enter');
  await expect(inbox.outbound(`Le llamamos al ${customer}.`)).toBeVisible();
  await expect.poll(async () => (await sim.inbox(channel.id, customer)).map((m) => m.body)).toContain(`Le llamamos al ${customer}.`);
  await inbox.resolveAllMine();
});

test('a chat that arrives while the inbox is still loading is listed, without a reload', async ({ loginAs }) => {
  const page = await loginAs('agent');
  const supervisor = await loginAs('supervisor');
  const sim = new SimulatorApi(supervisor.request);
  const inbox = new InboxPage(page);
  await inbox.resolveAllMine();
  expect((await page.request.put('/api/v1/me/presence', { data: { presence: 'available' } })).ok()).toBe(true);
  const channel = await sim.channel('en');
  // The workspace's answer is read, then held while the customer writes: the snapshot lacks the chat.
  let held = false;
  await page.route('**/api/v1/workspace', async (route) => {
    const response = await route.fetch();
    if (!held) {
      held = true;
      await new Promise((r) => setTimeout(r, 1000));
      await sim.send(channel.id, { from: randomCustomer(), profileName: names.linus, text: 'Are you open on Sundays?' });
    }
    await route.fulfill({ response });
  });
  await inbox.goto();
  await expect(inbox.waiting(names.linus)).toBeVisible();
  await expect(inbox.waiting(names.linus).getByTestId('conversation-preview')).toContainText('open on Sundays');
  await inbox.accept(names.linus);
  await expect(inbox.inbound('open on Sundays')).toBeVisible();
  await inbox.resolveAllMine();
});

test('images both ways; an oversize or wrong file is refused at once with its reason', async ({ loginAs }) => {
  const { page, sim, inbox } = await readyAgent(loginAs);
  const channel = await sim.channel('en');
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
    'base64',
  );
  await sim.sendFile(channel.id, { from: randomCustomer(), profileName: names.ada, text: 'Photo of the box', file: { name: 'box.png', mimeType: 'image/png', buffer: png } });
  await expect(inbox.waiting(names.ada)).toBeVisible();
  await inbox.accept(names.ada);
  await expect(inbox.inbound('Photo of the box').getByTestId('attachment-image')).toBeVisible();

  // Refused before any upload: 17 MB, a 6 MB image, an .exe.
  const fileInput = page.getByTestId('file-input');
  await fileInput.setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(17 * 1024 * 1024) });
  await expect(page.getByTestId('file-error')).toContainText('up to 16 MB');
  await page.screenshot({ path: `${shots}/agent-oversize-refused.png` });
  await fileInput.setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(6 * 1024 * 1024) });
  await expect(page.getByTestId('file-error')).toContainText('images up to 5 MB');
  await fileInput.setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
  await expect(page.getByTestId('file-error')).toContainText('does not accept this type');

  await fileInput.setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('attachment-chip')).toContainText('label.png');
  await inbox.input().fill('Here is your return label');
  await inbox.input().press('Enter');
  const sent = inbox.outbound('return label');
  await expect(sent.getByTestId('attachment-image')).toBeVisible();
  await expect(sent.getByTestId('ticks')).toHaveAttribute('data-status', /sent|delivered|read/);
  await inbox.resolveAllMine();
});

test('a send the provider refuses shows failed with the readable reason', async ({ loginAs }) => {
  const { page, sim, inbox } = await readyAgent(loginAs);
  const channel = await sim.channel('en');
  await sim.send(channel.id, { from: randomCustomer(), profileName: names.alan, text: 'Can you call me back?' });
  await inbox.accept(names.alan);
  await sim.failNext(channel.id, '63024');
  await inbox.reply('We will call you at 5pm.');
  const failed = inbox.outbound('call you at 5pm');
  await expect(failed.getByTestId('ticks')).toHaveAttribute('data-status', 'failed');
  await expect(failed.getByTestId('failure-reason')).toContainText('not on WhatsApp');
  await page.screenshot({ path: `${shots}/agent-failed-send.png` });
  await inbox.resolveAllMine();
});

test('after 24 hours of customer silence only templates can be sent', async ({ loginAs }) => {
  const databaseUrl = e2eDatabaseUrl();
  test.skip(!databaseUrl, 'needs the e2e database (Postgres, as in CI) to move the last customer message back in time');
  const admin = await loginAs('admin');
  const sim = new SimulatorApi(admin.request);
  const channel = await sim.channel('en');
  const tpl = await admin.request.post('/api/v1/templates', {
    data: {
      channelId: channel.id,
      contentSid: `HX${Date.now().toString(16).padStart(32, '0').slice(-32)}`,
      name: 'order_update',
      language: 'en',
      category: 'UTILITY',
      body: 'Hi {{1}}, your order {{2}} has shipped.',
      variables: { '1': 'name', '2': 'order' },
      status: 'approved',
    },
  });
  expect(tpl.status(), await tpl.text()).toBe(201);

  const page = await loginAs('agent');
  const inbox = new InboxPage(page);
  await inbox.resolveAllMine();
  await inbox.goto();
  await inbox.setPresence('available');
  await sim.send(channel.id, { from: randomCustomer(), profileName: names.katherine, text: 'Any news?' });
  await inbox.accept(names.katherine);

  const sql = postgres(databaseUrl!, { max: 1 });
  await sql`update conversations c set last_inbound_at = now() - interval '25 hours'
              from contacts k where k.id = c.contact_id and k.name = ${names.katherine}`;
  await sql.end();
  await page.reload();
  await inbox.mine(names.katherine).click();

  await expect(page.getByTestId('window-closed')).toContainText('only allows an approved template');
  await expect(inbox.input()).toHaveCount(0);
  await page.getByTestId('template-option').filter({ hasText: 'order_update' }).click();
  await page.getByTestId('template-var-1').fill('Katherine');
  await page.getByTestId('template-var-2').fill('#42');
  await expect(page.getByTestId('template-preview')).toContainText('Hi Katherine, your order #42 has shipped.');
  await page.screenshot({ path: `${shots}/agent-window-closed.png` });
  await page.getByTestId('send').click();
  await expect(inbox.outbound('your order #42 has shipped')).toBeVisible();
  await inbox.resolveAllMine();
});

test('an admin adds the agent to another queue (long name): the workspace shows it at once, and drops it when removed', async ({ loginAs }) => {
  const agentPage = await loginAs('agent');
  const admin = await loginAs('admin');
  const inbox = new InboxPage(agentPage);
  await inbox.goto();
  const users = (await (await admin.request.get('/api/v1/users')).json()) as { items: { id: string; email: string; queueIds: string[] }[] };
  const alex = users.items.find((u) => u.email === 'agent@parley.test')!;
  // A new queue with a long name: the chip must stay on its line, shortened, not push the rest out.
  const longName = `Atención al cliente — facturación, devoluciones y garantías internacionales ${run}`;
  const created = await admin.request.post('/api/v1/queues', { data: { name: longName, memberIds: [] } });
  expect(created.status()).toBe(201);
  const soporte = (await created.json()) as { id: string };
  const chip = agentPage.getByTestId('queue-chip').filter({ hasText: `${longName}: 0 waiting` });
  await expect(agentPage.getByTestId('queue-chip').filter({ hasText: /^Support: \d+ waiting$/ })).toBeVisible();
  await expect(chip).toHaveCount(0);
  try {
    const added = await admin.request.patch(`/api/v1/users/${alex.id}`, { data: { queueIds: [...alex.queueIds, soporte.id] } });
    expect(added.status()).toBe(200);
    // No reload: the socket joined the queue's room and the workspace reloaded its queues.
    await expect(chip).toBeVisible();
    await agentPage.screenshot({ path: `${shots}/agent-queue-added.png` });
  } finally {
    const restored = await admin.request.patch(`/api/v1/users/${alex.id}`, { data: { queueIds: alex.queueIds } });
    expect(restored.status()).toBe(200);
  }
  await expect(chip).toHaveCount(0);
});

test('Arabic runs right to left: the preview, the customer message, the reply being typed and the sent reply', async ({ loginAs }) => {
  const { page: agentPage, sim, inbox } = await readyAgent(loginAs);
  const name = `ليلى حداد ${run}`;
  const channel = await sim.channel('en');
  await sim.send(channel.id, { from: randomCustomer(), profileName: name, text: 'مرحبا، أين طلبي رقم 1234؟' });

  const direction = (l: Locator) => l.evaluate((el) => getComputedStyle(el).direction);
  const preview = inbox.waiting(name).getByTestId('conversation-preview');
  await expect(preview).toContainText('أين طلبي');
  expect(await direction(preview)).toBe('rtl');

  await inbox.accept(name);
  expect(await direction(agentPage.getByTestId('chat-title'))).toBe('rtl');
  expect(await direction(agentPage.getByTestId('contact-name'))).toBe('rtl');
  const text = inbox.inbound('أين طلبي').getByTestId('message-text');
  await expect(text).toBeVisible();
  expect(await direction(text)).toBe('rtl');

  await inbox.input().fill('سنتحقق من طلبك الآن');
  expect(await direction(inbox.input())).toBe('rtl');
  await inbox.reply('سنتحقق من طلبك الآن');
  const sent = inbox.outbound('سنتحقق').getByTestId('message-text');
  await expect(sent).toBeVisible();
  expect(await direction(sent)).toBe('rtl');
  // A Latin message in the same chat still runs left to right.
  await inbox.reply('Order 1234 ships today.');
  expect(await direction(inbox.outbound('ships today').getByTestId('message-text'))).toBe('ltr');
  await agentPage.screenshot({ path: `${shots}/agent-rtl.png` });
});

test('the agent types the next message while one is still sending: nothing is lost, and they arrive in order', async ({ loginAs }) => {
  const { page, sim, inbox } = await readyAgent(loginAs);
  const name = `Rosalind Franklin ${run}`;
  const channel = await sim.channel('en');
  const customer = randomCustomer();
  await sim.send(channel.id, { from: customer, profileName: name, text: 'Is my order on its way?' });
  await inbox.accept(name);

  // The first send hangs (a slow network) until released.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  await page.route('**/api/v1/conversations/*/messages', async (route) => {
    if (route.request().method() !== 'POST' || !first) return route.fallback();
    first = false;
    await held;
    await route.fallback();
  });

  await inbox.reply('First: let me check that for you.');
  // Cleared at once; the message shows as sending.
  await expect(inbox.input()).toHaveValue('');
  await expect(inbox.outbound('First: let me check').getByTestId('ticks')).toHaveAttribute('data-status', 'pending');
  await inbox.input().pressSequentially('Second: it ships today.');
  await inbox.input().press('Enter');
  await expect(inbox.input()).toHaveValue('');
  await expect(inbox.outbound('Second: it ships')).toHaveCount(1);
  // Queued behind the first: the phone has neither yet.
  expect((await sim.inbox(channel.id, customer)).filter((m) => m.direction === 'to_customer')).toEqual([]);
  await page.screenshot({ path: `${shots}/agent-typing-while-sending.png` });

  release();
  for (const text of ['First: let me check', 'Second: it ships']) {
    await expect(inbox.outbound(text).getByTestId('ticks')).toHaveAttribute('data-status', /sent|delivered|read/);
  }
  await expect
    .poll(async () => (await sim.inbox(channel.id, customer)).filter((m) => m.direction === 'to_customer').map((m) => m.body))
    .toEqual(['First: let me check that for you.', 'Second: it ships today.']);
  await page.unroute('**/api/v1/conversations/*/messages');
});

test('keyboard: Alt+↓/↑ moves through the chats in the list’s order, Alt+A accepts, and the reply is typed at once', async ({ loginAs }) => {
  const { page, sim, inbox } = await readyAgent(loginAs);
  const first = `Dorothy Hodgkin ${run}`;
  const second = `Lise Meitner ${run}`;
  const channel = await sim.channel('en');
  await sim.send(channel.id, { from: randomCustomer(), profileName: first, text: 'First in line' });
  await sim.send(channel.id, { from: randomCustomer(), profileName: second, text: 'Second in line' });
  await expect(inbox.waiting(second)).toBeVisible();
  // Waiting chats: the longest waiting first (who is served next).
  const waitingNames = await page.getByTestId('waiting-chats').getByTestId('conversation-name').allTextContents();
  expect(waitingNames.indexOf(first)).toBeLessThan(waitingNames.indexOf(second));
  await expect(page.getByTestId('keyboard-hint')).toContainText('switch chats');

  const shown = () => page.getByTestId('conversation-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')));
  const current = () => page.locator('[data-testid="conversation-item"][aria-current="true"]').getAttribute('data-conversation-id');

  await inbox.waiting(first).click();
  await expect(page.getByTestId('chat-title')).toHaveText(first);
  await page.keyboard.press('Alt+A');
  await expect(inbox.mine(first)).toBeVisible();
  await expect(inbox.input()).toBeFocused();
  await page.keyboard.type('Typed without touching the mouse');
  await page.keyboard.press('Enter');
  await expect(inbox.outbound('without touching the mouse')).toHaveCount(1);

  const ids = await shown();
  const at = ids.indexOf(await current());
  expect(at).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Alt+ArrowDown');
  await expect.poll(current).toBe(ids[(at + 1) % ids.length]);
  await page.keyboard.press('Alt+ArrowUp');
  await expect.poll(current).toBe(ids[at]);
  await expect(page.getByTestId('chat-title')).toHaveText(first);
  await expect(inbox.input()).toBeFocused();
  await page.screenshot({ path: `${shots}/agent-keyboard.png` });
  // Each row's name is a real button (the Accept beside it is not nested in another button): Tab to it, Enter opens it.
  await inbox.waiting(second).getByRole('button', { name: second }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('chat-title')).toHaveText(second);
  await inbox.resolveAllMine();
});

test('a chat offered to the agent (least busy) says so, with the time left to accept before it moves on', async ({ loginAs }) => {
  const { page, sim, inbox } = await readyAgent(loginAs, 'agente');
  const name = `Chien-Shiung Wu ${run}`;
  const channel = await sim.channel('es');
  await sim.send(channel.id, { from: randomCustomer('+3461'), profileName: name, text: '¿Me ayudan con una factura?' });

  // Soporte assigns to the least busy member, who has 120 s to accept.
  const item = inbox.waiting(name);
  await expect(item.getByTestId('offer-note')).toContainText('Offered to you');
  const left = async () => {
    const [m, s] = (await item.getByTestId('offer-countdown').textContent())!.split(':').map(Number);
    return m! * 60 + s!;
  };
  const first = await left();
  expect(first).toBeGreaterThan(60);
  expect(first).toBeLessThanOrEqual(120);
  await expect.poll(left, { timeout: 5000 }).toBeLessThan(first);

  await item.click();
  await expect(page.getByTestId('chat-title')).toHaveText(name);
  await expect(page.getByTestId('agent-workspace').getByTestId('offer-note').last()).toContainText('set to Away');
  // Not hers yet: nothing to transfer or resolve.
  await expect(page.getByTestId('contact-panel').getByTestId('resolve')).toHaveCount(0);
  await page.screenshot({ path: `${shots}/agent-offered.png` });
  await page.keyboard.press('Alt+A');
  await expect(inbox.mine(name)).toBeVisible();
  await expect(page.getByTestId('contact-panel').getByTestId('resolve')).toBeVisible();
  await expect(page.getByTestId('offer-note')).toHaveCount(0);
  await inbox.resolveAllMine();
});

test('a returning customer: the agent reads an earlier chat another agent handled, in a dialog', async ({ loginAs }) => {
  const { sim, inbox: alex } = await readyAgent(loginAs);
  const name = `Marie Curie ${run}`;
  const channel = await sim.channel('en');
  const customer = randomCustomer();
  await sim.send(channel.id, { from: customer, profileName: name, text: 'My radium order is missing' });
  await alex.accept(name);
  await alex.reply('Found it, it ships today.');
  await expect(alex.outbound('ships today')).toHaveCount(1);
  await alex.resolveAllMine();
  await alex.setPresence('away');

  // She writes again; Lucía takes it.
  const { page, inbox: lucia } = await readyAgent(loginAs, 'agente');
  await sim.send(channel.id, { from: customer, profileName: name, text: 'Hello again, one more question' });
  await lucia.accept(name);
  const earlier = page.getByTestId('earlier-conversations').getByRole('button');
  await expect(earlier).toHaveCount(1);
  await earlier.click();
  const dialog = page.getByTestId('earlier-dialog');
  await expect(dialog.getByTestId('transcript-messages')).toContainText('My radium order is missing');
  await expect(dialog.getByTestId('transcript-messages')).toContainText('Found it, it ships today.');
  await expect(dialog.getByTestId('transcript-agent')).toHaveText('Alex Agent');
  await page.screenshot({ path: `${shots}/agent-earlier-conversation.png` });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await lucia.resolveAllMine();
  await lucia.setPresence('offline');
});

test('a send that cannot reach the server gives the agent the text back, and marks the message failed', async ({ loginAs }) => {
  const { page, sim, inbox } = await readyAgent(loginAs);
  const name = `Barbara McClintock ${run}`;
  const channel = await sim.channel('en');
  await sim.send(channel.id, { from: randomCustomer(), profileName: name, text: 'Hello?' });
  await inbox.accept(name);

  await page.route('**/api/v1/conversations/*/messages', (route) =>
    route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback(),
  );
  await inbox.reply('We are looking into it.');
  await expect(inbox.input()).toHaveValue('');
  // After its retries (about 4 s), the draft comes back and the bubble says it failed.
  await expect(inbox.outbound('looking into it').getByTestId('ticks')).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
  await expect(inbox.input()).toHaveValue('We are looking into it.');
  await page.unroute('**/api/v1/conversations/*/messages');
});
