import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf } from '@/db/client';
import twilio from 'twilio';
import { conversations, events, messages, type Channel, type Queue, type User } from '@/db/schema';
import type { MessageDto } from '@/lib/conversations/dto';
import { deliverMessage } from '@/lib/conversations/send-job';
import { startTestApp, type TestApp } from '../helpers/app';
import { TwilioMock } from '../helpers/twilio-mock';
import { AUTH_TOKEN, fixtures, sleep } from './outbound-fixtures';

let app: TestApp;
let mock: TwilioMock;
let fx: ReturnType<typeof fixtures>;
let agent: User & { password: string };
let other: User & { password: string };
let supervisor: User & { password: string };
let tokens: Record<'agent' | 'other' | 'supervisor', string>;
let queue: Queue;
let channel: Channel;

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  mock = new TwilioMock();
  await mock.start();
  app = await startTestApp({
    env: { TWILIO_API_BASE_URL: mock.url, PARLEY_SEND_GIVE_UP_SECONDS: '6', PARLEY_SEND_RETRY_BASE_SECONDS: '1' },
  });
  fx = fixtures(app);
  agent = await app.createUser({ role: 'agent', name: 'Ana Agent' });
  other = await app.createUser({ role: 'agent', name: 'Otto Other' });
  supervisor = await app.createUser({ role: 'supervisor' });
  tokens = {
    agent: await app.tokenFor(agent.email, agent.password),
    other: await app.tokenFor(other.email, other.password),
    supervisor: await app.tokenFor(supervisor.email, supervisor.password),
  };
  queue = await fx.queue([agent.id, other.id]);
  channel = await fx.channel(queue.id);
}, 300_000);
afterAll(async () => {
  await app?.close();
  await mock?.stop();
});

const post = (conversationId: string, json: unknown, token = tokens.agent) =>
  app.fetch(`/api/v1/conversations/${conversationId}/messages`, { method: 'POST', token, json });

async function activeChat(opts: { lastInboundAt?: Date | null; ch?: Channel } = {}) {
  const ch = opts.ch ?? channel;
  return fx.conversation({ channelId: ch.id, queueId: ch.queueId, assigneeId: agent.id, lastInboundAt: opts.lastInboundAt });
}

const byBody = (body: string) => (p: URLSearchParams) => p.get('Body') === body;

describe('sending through Twilio (Prism with Twilio’s OpenAPI contract)', () => {
  it('sends free text: From/To whatsapp:+E164, Body, StatusCallback; the message moves pending → queued with the sid', async () => {
    const { conversation, contact } = await activeChat();
    const res = await post(conversation.id, { clientId: randomUUID(), text: 'Hola Lucía, ¿en qué puedo ayudarte?' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as MessageDto;
    expect(created).toMatchObject({ direction: 'outbound', kind: 'text', status: 'pending', author: { id: agent.id } });

    const sent = await fx.waitForMessage(created.id, (m) => m.status === 'queued');
    const [req] = mock.messagesWhere(byBody('Hola Lucía, ¿en qué puedo ayudarte?'));
    expect(req).toBeDefined();
    expect(req!.status).toBe(201); // Prism accepted it as a valid Messages create
    expect(req!.path).toBe(`/2010-04-01/Accounts/${channel.accountSid}/Messages.json`);
    expect(req!.authorization).toBe(`Basic ${Buffer.from(`${channel.accountSid}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(req!.params.get('From')).toBe(`whatsapp:${channel.phoneNumber}`);
    expect(req!.params.get('To')).toBe(`whatsapp:${contact.phone}`);
    // The message's id rides in the (signed) callback URL.
    expect(req!.params.get('StatusCallback')).toBe(`${app.url}/api/webhooks/twilio/${channel.id}/status?messageId=${created.id}&attempt=1`);
    expect(req!.params.has('MediaUrl')).toBe(false);
    expect(sent.providerMessageId).toBe(req!.sid);

    const [conv] = await app.runtime.db.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(conv!.firstResponseAt).not.toBeNull();
    const types = (await app.runtime.db.db.select().from(events).where(eq(events.conversationId, conversation.id))).map((e) => e.type);
    expect(types).toContain('message.created');
    expect(types).toContain('message.updated');
  });

  it('sends a media message: one MediaUrl, a signed URL under PUBLIC_URL that Twilio can GET and HEAD', async () => {
    const { conversation } = await activeChat();
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'receipt.png');
    const up = await app.fetch('/api/v1/attachments', { method: 'POST', token: tokens.agent, body: form });
    expect(up.status).toBe(201);
    const attachment = (await up.json()) as { id: string; contentType: string; size: number };
    expect(attachment).toMatchObject({ contentType: 'image/png', size: PNG.length });

    const res = await post(conversation.id, { clientId: randomUUID(), attachmentId: attachment.id, text: 'Tu recibo' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as MessageDto;
    expect(created.kind).toBe('media');
    expect(created.attachments.map((a) => a.id)).toEqual([attachment.id]);
    await fx.waitForMessage(created.id, (m) => m.status === 'queued');

    const [req] = mock.messagesWhere(byBody('Tu recibo'));
    expect(req!.status).toBe(201);
    const mediaUrls = req!.params.getAll('MediaUrl');
    expect(mediaUrls).toHaveLength(1);
    expect(mediaUrls[0]!.startsWith(`${app.url}/api/media/${attachment.id}?`)).toBe(true);

    // Twilio fetches it without credentials.
    const head = await fetch(mediaUrls[0]!, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/png');
    expect(head.headers.get('content-length')).toBe(String(PNG.length));
    const get = await fetch(mediaUrls[0]!);
    expect(Buffer.from(await get.arrayBuffer()).equals(PNG)).toBe(true);
    const forged = mediaUrls[0]!.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await fetch(forged)).status).toBe(401);

    // The same attachment cannot go out twice.
    const again = await post(conversation.id, { clientId: randomUUID(), attachmentId: attachment.id });
    expect(again.status).toBe(409);
  });

  it('sends an approved template any time (window closed): ContentSid + ContentVariables, no Body', async () => {
    const { conversation } = await activeChat({ lastInboundAt: new Date(Date.now() - 3 * 24 * 3600 * 1000) });
    const template = await fx.template({ body: 'Hola {{1}}, tu pedido {{2}} está listo.' });
    const res = await post(conversation.id, { clientId: randomUUID(), templateId: template.id, variables: { '1': 'Lucía', '2': 'A-17' } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as MessageDto;
    expect(created).toMatchObject({ kind: 'template', body: 'Hola Lucía, tu pedido A-17 está listo.', templateId: template.id });
    await fx.waitForMessage(created.id, (m) => m.status === 'queued');

    const [req] = mock.messagesWhere((p) => p.get('ContentSid') === template.contentSid);
    expect(req!.status).toBe(201);
    expect(JSON.parse(req!.params.get('ContentVariables')!)).toEqual({ '1': 'Lucía', '2': 'A-17' });
    expect(req!.params.has('Body')).toBe(false);
    expect(req!.params.get('StatusCallback')).toBe(`${app.url}/api/webhooks/twilio/${channel.id}/status?messageId=${created.id}&attempt=1`);
  });

  it('refuses templates that are not approved, and missing or unknown variables', async () => {
    const { conversation } = await activeChat();
    const pending = await fx.template({ body: 'Hola {{1}}', status: 'pending' });
    const approved = await fx.template({ body: 'Hola {{1}}' });
    const notApproved = await post(conversation.id, { clientId: randomUUID(), templateId: pending.id, variables: { '1': 'x' } });
    expect(notApproved.status).toBe(422);
    const missing = await post(conversation.id, { clientId: randomUUID(), templateId: approved.id, variables: {} });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('{{1}}');
    const unknown = await post(conversation.id, { clientId: randomUUID(), templateId: approved.id, variables: { '1': 'a', '9': 'b' } });
    expect(unknown.status).toBe(400);
    // A variable the Content API declares outside the body (e.g. in a button URL) may be given.
    const withButton = await fx.template({ body: 'Hola {{1}}', variables: { '1': 'Nombre', '2': 'pedido-123' } });
    const ok = await post(conversation.id, { clientId: randomUUID(), templateId: withButton.id, variables: { '1': 'Ana', '2': 'A-9' } });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as MessageDto;
    await fx.waitForMessage(id, (m) => m.status === 'queued');
    const [req] = mock.messagesWhere((p) => p.get('ContentSid') === withButton.contentSid);
    expect(JSON.parse(req!.params.get('ContentVariables')!)).toEqual({ '1': 'Ana', '2': 'A-9' });
  });
});

describe('the 24-hour window', () => {
  it('refuses free text and media outside the window with 422 window_closed, before anything is stored or sent', async () => {
    const { conversation } = await activeChat({ lastInboundAt: new Date(Date.now() - 25 * 3600 * 1000) });
    const before = mock.requests.length;
    const res = await post(conversation.id, { clientId: randomUUID(), text: 'too late' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('window_closed');
    expect(body.error.message).toMatch(/template/i);

    const never = await activeChat({ lastInboundAt: null });
    expect((await post(never.conversation.id, { clientId: randomUUID(), text: 'hello?' })).status).toBe(422);

    const stored = await app.runtime.db.db.select().from(messages).where(eq(messages.conversationId, conversation.id));
    expect(stored).toHaveLength(0);
    await sleep(1500);
    expect(mock.messagesWhere(byBody('too late'))).toHaveLength(0);
    expect(mock.requests.length).toBe(before);
  });
});

describe('the 24-hour window, at its edge', () => {
  it('still takes free text 23 h 50 min after the customer wrote', async () => {
    const { conversation } = await activeChat({ lastInboundAt: new Date(Date.now() - (23 * 60 + 50) * 60 * 1000) });
    expect((await post(conversation.id, { clientId: randomUUID(), text: 'just in time' })).status).toBe(201);
  });
});

describe('order', () => {
  it('sends the messages of one conversation in the order they were written, even when the first needs a retry', async () => {
    const { conversation } = await activeChat();
    const texts = ['first', 'second', 'third', 'fourth', 'fifth'].map((t) => `${t} ${conversation.id}`);
    mock.script(byBody(texts[0]!), { reply: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } });
    const ids: string[] = [];
    for (const text of texts) ids.push(((await (await post(conversation.id, { clientId: randomUUID(), text })).json()) as MessageDto).id);
    for (const id of ids) await fx.waitForMessage(id, (m) => m.status === 'queued');
    const accepted = mock.messagesWhere((p) => texts.includes(p.get('Body')!)).filter((r) => r.status === 201);
    expect(accepted.map((r) => r.params.get('Body'))).toEqual(texts);
  });
});

describe('who may send', () => {
  it('lets only the assignee reply (403 for another agent of the queue, and for supervisors: they watch read-only)', async () => {
    const { conversation } = await activeChat();
    const mine = await fx.conversation({ channelId: channel.id, queueId: queue.id, assigneeId: other.id });
    expect((await post(mine.conversation.id, { clientId: randomUUID(), text: 'not mine' })).status).toBe(404);
    const waiting = await fx.conversation({ channelId: channel.id, queueId: queue.id });
    expect((await post(waiting.conversation.id, { clientId: randomUUID(), text: 'not accepted' })).status).toBe(403);
    const bySupervisor = await post(conversation.id, { clientId: randomUUID(), text: 'from a supervisor' }, tokens.supervisor);
    expect(bySupervisor.status).toBe(403);
    expect(((await bySupervisor.json()) as { error: { message: string } }).error.message).toMatch(/only the agent it is assigned to can reply/);
    expect((await app.fetch(`/api/v1/conversations/${conversation.id}/messages`, { method: 'POST', json: { clientId: 'x', text: 'y' } })).status).toBe(401);
    const closed = await fx.conversation({ channelId: channel.id, queueId: queue.id, assigneeId: agent.id, status: 'closed' });
    expect((await post(closed.conversation.id, { clientId: randomUUID(), text: 'after close' })).status).toBe(409);
  });

  it('answers malformed bodies with 400 and the field', async () => {
    const { conversation } = await activeChat();
    const noClient = await post(conversation.id, { text: 'x' });
    expect(noClient.status).toBe(400);
    expect(((await noClient.json()) as { error: { message: string } }).error.message).toMatch(/clientId/);
    expect((await post(conversation.id, { clientId: 'a', text: '   ' })).status).toBe(400);
    expect((await post(conversation.id, { clientId: 'a', text: 'x'.repeat(1601) })).status).toBe(400);
  });
});

describe('clientId idempotency', () => {
  it('turns 8 parallel POSTs with one clientId into one message and one request to Twilio', async () => {
    const { conversation } = await activeChat();
    const clientId = randomUUID();
    const text = `double click ${clientId}`;
    const responses = await Promise.all(Array.from({ length: 8 }, () => post(conversation.id, { clientId, text })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as MessageDto).id)));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await fx.waitForMessage(id!, (m) => m.status === 'queued');
    // And again after it went out: the same message, nothing new sent.
    const late = await post(conversation.id, { clientId, text });
    expect(late.status).toBe(200);
    expect(((await late.json()) as MessageDto).id).toBe(id);
    await sleep(2000);
    const rows = await app.runtime.db.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.clientId, clientId)));
    expect(rows).toHaveLength(1);
    expect(mock.messagesWhere(byBody(text))).toHaveLength(1);
  });
});

describe('failures', () => {
  it('retries a 500 with backoff and then succeeds, sending once in the end', async () => {
    const { conversation } = await activeChat();
    const text = 'retry me please';
    mock.script(byBody(text), { reply: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } });
    const res = await post(conversation.id, { clientId: randomUUID(), text });
    const { id } = (await res.json()) as MessageDto;
    const sent = await fx.waitForMessage(id, (m) => m.status !== 'pending');
    expect(sent.status).toBe('queued');
    const attempts = mock.messagesWhere(byBody(text));
    expect(attempts.map((a) => a.status)).toEqual([500, 201]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('fails at once on a non-retryable Twilio error, with the readable reason; retry sends it again', async () => {
    const { conversation } = await activeChat();
    const text = 'to an invalid number';
    mock.script(byBody(text), {
      reply: 400,
      body: { code: 21211, message: "Invalid 'To' Phone Number", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 },
    });
    const res = await post(conversation.id, { clientId: randomUUID(), text });
    const { id } = (await res.json()) as MessageDto;
    const failed = await fx.waitForMessage(id, (m) => m.status !== 'pending');
    expect(failed).toMatchObject({ status: 'failed', errorCode: '21211', errorReason: 'The customer’s phone number is not valid.' });
    await sleep(2500);
    expect(mock.messagesWhere(byBody(text))).toHaveLength(1);
    const updated = await app.runtime.db.db.select().from(events).where(and(eq(events.conversationId, conversation.id), eq(events.type, 'message.updated')));
    expect(updated.some((e) => (e.payload as { data: { message: MessageDto } }).data.message.status === 'failed')).toBe(true);

    const retry = await app.fetch(`/api/v1/conversations/${conversation.id}/messages/${id}/retry`, { method: 'POST', token: tokens.agent });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as MessageDto).status).toBe('pending');
    const second = await fx.waitForMessage(id, (m) => m.status !== 'pending');
    expect(second).toMatchObject({ status: 'queued', errorCode: null, errorReason: null });
    expect(mock.messagesWhere(byBody(text)).map((r) => r.status)).toEqual([400, 201]);
    // Nothing left to retry.
    const again = await app.fetch(`/api/v1/conversations/${conversation.id}/messages/${id}/retry`, { method: 'POST', token: tokens.agent });
    expect(again.status).toBe(409);
  });

  it('gives up after a bounded time when Twilio keeps answering 503, and says so', async () => {
    const { conversation } = await activeChat();
    const text = 'twilio is down';
    const down = { reply: 503, body: { code: 20503, message: 'Service Unavailable', status: 503 } };
    mock.script(byBody(text), down, down, down, down, down, down, down, down);
    const res = await post(conversation.id, { clientId: randomUUID(), text });
    const { id } = (await res.json()) as MessageDto;
    const failed = await fx.waitForMessage(id, (m) => m.status !== 'pending', 30_000);
    expect(failed.status).toBe('failed');
    expect(failed.errorReason).toMatch(/could not take the message after \d+ tries/);
    expect(mock.messagesWhere(byBody(text)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('a reply and its send job are one transaction', () => {
  it('a reply that cannot be stored leaves no send job behind; a stored one has its job committed with it', async () => {
    const db = app.runtime.db.db;
    const sendJobs = async () =>
      rowsOf<{ id: string; message_id: string }>(await db.execute(sql`select id, data->>'messageId' as message_id from pgboss.job where name = 'message.send'`));
    const before = await sendJobs();
    // The outbox refuses this reply's events, as a broken disk or constraint would: after the job was queued.
    await db.execute(sql.raw(`create function parley_test_fail_events() returns trigger language plpgsql as $$
      begin if new.payload::text like '%NO-OUTBOX%' then raise exception 'events refused'; end if; return new; end $$`));
    await db.execute(sql.raw('create trigger parley_test_fail_events before insert on events for each row execute function parley_test_fail_events()'));
    const { conversation } = await activeChat();
    try {
      const res = await post(conversation.id, { clientId: randomUUID(), text: 'NO-OUTBOX reply' });
      expect(res.status).toBe(500);
    } finally {
      await db.execute(sql.raw('drop trigger parley_test_fail_events on events'));
      await db.execute(sql.raw('drop function parley_test_fail_events()'));
    }
    expect(await db.select().from(messages).where(eq(messages.body, 'NO-OUTBOX reply'))).toEqual([]);
    expect((await sendJobs()).length).toBe(before.length);
    await sleep(1500); // a worker poll
    expect(mock.messagesWhere(byBody('NO-OUTBOX reply'))).toEqual([]);

    const res = await post(conversation.id, { clientId: randomUUID(), text: 'stored reply' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as MessageDto;
    expect((await sendJobs()).filter((j) => j.message_id === created.id)).toHaveLength(1);
    await fx.waitForMessage(created.id, (m) => m.status === 'queued');
  });
});

describe('an attempt whose outcome was never learned (a crash, a cut, a timeout)', () => {
  it('is looked up with List Messages (To, From, PageSize: Twilio’s contract) before the message is sent again', async () => {
    const { conversation, contact } = await activeChat();
    const text = 'was I sent before?';
    const [row] = await app.runtime.db.db
      .insert(messages)
      .values({
        conversationId: conversation.id,
        channelId: channel.id,
        direction: 'outbound',
        kind: 'text',
        body: text,
        status: 'pending',
        authorId: agent.id,
        // An earlier worker marked its attempt and was never heard of again.
        sendAttemptStartedAt: new Date(Date.now() - 30_000),
        sendAttempts: 1,
      })
      .returning();
    const before = mock.requests.length;
    await deliverMessage(app.runtime.db.db, { messageId: row!.id });
    const lists = mock.requests.slice(before).filter((r) => r.method === 'GET');
    expect(lists).toHaveLength(1);
    // Prism checked the request against Twilio's OpenAPI description and answered it.
    expect(lists[0]!.status).toBe(200);
    expect(Object.fromEntries(lists[0]!.query)).toEqual({
      To: `whatsapp:${contact.phone}`,
      From: `whatsapp:${channel.phoneNumber}`,
      PageSize: '50',
    });
    // Twilio's list (Prism's example) holds no such message: sent now, once, after the lookup.
    const creates = mock.messagesWhere(byBody(text));
    expect(creates).toHaveLength(1);
    expect(creates[0]!.at).toBeGreaterThanOrEqual(lists[0]!.at);
    const sent = await fx.message(row!.id);
    expect(sent).toMatchObject({ status: 'queued', providerMessageId: creates[0]!.sid, sendAttempts: 2, sendAttemptStartedAt: null });
  });

  it('a pending reply whose job was lost (never queued, or held by a dead worker) is sent by the sweeper within seconds', async () => {
    const { conversation } = await activeChat();
    const text = 'my job was lost';
    const [row] = await app.runtime.db.db
      .insert(messages)
      .values({ conversationId: conversation.id, channelId: channel.id, direction: 'outbound', kind: 'text', body: text, status: 'pending' })
      .returning();
    const t0 = Date.now();
    const sent = await fx.waitForMessage(row!.id, (m) => m.status !== 'pending', 15_000);
    console.log(`a reply with no job was sent by the sweeper after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(sent.status).toBe('queued');
    expect(mock.messagesWhere(byBody(text))).toHaveLength(1);
  });

  it('two workers given the same reply at once (a stale job, the sweeper, another process) send it once', async () => {
    const { conversation } = await activeChat();
    const text = 'one of two workers';
    const [row] = await app.runtime.db.db
      .insert(messages)
      .values({ conversationId: conversation.id, channelId: channel.id, direction: 'outbound', kind: 'text', body: text, status: 'pending' })
      .returning();
    await Promise.all([1, 2, 3].map(() => deliverMessage(app.runtime.db.db, { messageId: row!.id })));
    expect(mock.messagesWhere(byBody(text))).toHaveLength(1);
    expect((await fx.message(row!.id)).status).toBe('queued');
  });

  it('waits, rather than sends, while the earlier call may still be on its way (its worker may only have lost the database)', async () => {
    const { conversation } = await activeChat();
    const text = 'a call may be in flight';
    const [row] = await app.runtime.db.db
      .insert(messages)
      .values({
        conversationId: conversation.id,
        channelId: channel.id,
        direction: 'outbound',
        kind: 'text',
        body: text,
        status: 'pending',
        sendAttemptStartedAt: new Date(),
        sendAttempts: 1,
      })
      .returning();
    await deliverMessage(app.runtime.db.db, { messageId: row!.id });
    expect(mock.messagesWhere(byBody(text))).toHaveLength(0);
    // Once the call has surely ended (the SDK's timeout) and it is still not at Twilio: sent.
    const sent = await fx.waitForMessage(row!.id, (m) => m.status !== 'pending', 30_000);
    expect(sent.status).toBe('queued');
    expect(mock.messagesWhere(byBody(text))).toHaveLength(1);
  }, 40_000);
});

describe('status callbacks', () => {
  it('a callback for a sid the send never recorded (its worker died) finds its message by the id in its URL', async () => {
    const { conversation } = await activeChat();
    const [row] = await app.runtime.db.db
      .insert(messages)
      .values({ conversationId: conversation.id, channelId: channel.id, direction: 'outbound', kind: 'text', body: 'lost answer', status: 'pending', sendAttemptStartedAt: new Date(), sendAttempts: 1 })
      .returning();
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    const url = `${app.url}/api/webhooks/twilio/${channel.id}/status?messageId=${row!.id}&attempt=1`;
    const callback = (params: Record<string, string>, signedUrl = url) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, signedUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    const params = { MessageSid: sid, SmsSid: sid, MessageStatus: 'sent', AccountSid: channel.accountSid!, ApiVersion: '2010-04-01' };
    // A callback of another attempt (one before an agent's retry) is kept, not adopted.
    const staleUrl = url.replace('attempt=1', 'attempt=7');
    const staleSid = `SM${randomUUID().replace(/-/g, '')}`;
    const stale = { ...params, MessageSid: staleSid, SmsSid: staleSid };
    const res = await fetch(staleUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, staleUrl, stale) },
      body: new URLSearchParams(stale).toString(),
    });
    expect(res.status).toBeLessThan(300);
    expect((await fx.message(row!.id)).providerMessageId).toBeNull();
    // The id is part of what Twilio signs: a signature over the bare URL does not do.
    expect((await callback(params, `${app.url}/api/webhooks/twilio/${channel.id}/status`)).status).toBe(403);
    expect((await callback(params)).status).toBeLessThan(300);
    expect(await fx.message(row!.id)).toMatchObject({ providerMessageId: sid, status: 'sent' });
    // The send job, run again, finds it sent and sends nothing.
    await deliverMessage(app.runtime.db.db, { messageId: row!.id });
    expect(mock.messagesWhere(byBody('lost answer'))).toHaveLength(0);
  });

  it('applies a callback that arrives before the send returned (delivered, not stuck at queued)', async () => {
    const { conversation } = await activeChat();
    const text = 'racing the callback';
    let callbackStatus = 0;
    mock.script(byBody(text), {
      forward: true,
      beforeAnswer: async (req) => {
        const url = req.params.get('StatusCallback')!;
        const params = {
          MessageSid: req.sid!,
          SmsSid: req.sid!,
          MessageStatus: 'delivered',
          AccountSid: channel.accountSid!,
          From: req.params.get('From')!,
          To: req.params.get('To')!,
          ApiVersion: '2010-04-01',
        };
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
          },
          body: new URLSearchParams(params).toString(),
        });
        callbackStatus = res.status;
      },
    });
    const res = await post(conversation.id, { clientId: randomUUID(), text });
    const { id } = (await res.json()) as MessageDto;
    const delivered = await fx.waitForMessage(id, (m) => m.status === 'delivered');
    expect(callbackStatus).toBeLessThan(300);
    expect(delivered.providerMessageId).toBe(mock.messagesWhere(byBody(text))[0]!.sid);
  });
});

describe('sandbox channels', () => {
  it('send at most one message every 3 s per channel, in order, and drop none', async () => {
    const sandbox = await fx.channel(queue.id, { environment: 'sandbox' });
    const a = await activeChat({ ch: sandbox });
    const b = await activeChat({ ch: sandbox });
    const texts = ['sandbox 1', 'sandbox 2', 'sandbox 3', 'sandbox 4'];
    const ids: string[] = [];
    for (const [i, text] of texts.entries()) {
      const res = await post((i % 2 ? b : a).conversation.id, { clientId: randomUUID(), text });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as MessageDto).id);
    }
    for (const id of ids) await fx.waitForMessage(id, (m) => m.status === 'queued', 30_000);
    const arrivals = mock
      .messagesWhere((p) => p.get('From') === `whatsapp:${sandbox.phoneNumber}`)
      .map((r) => r.at)
      .sort((x, y) => x - y);
    expect(arrivals).toHaveLength(4);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    console.log(`sandbox gaps between sends (ms): ${gaps.join(', ')}`);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(3000);
    // Within one conversation, in the order written.
    const order = (texts2: string[]) => mock.messagesWhere((p) => texts2.includes(p.get('Body')!)).map((r) => r.params.get('Body'));
    expect(order(['sandbox 1', 'sandbox 3'])).toEqual(['sandbox 1', 'sandbox 3']);
    expect(order(['sandbox 2', 'sandbox 4'])).toEqual(['sandbox 2', 'sandbox 4']);
  }, 60_000);
});

describe('figures (printed, not asserted)', () => {
  it('how long a reply takes: POST answered, and handed to Twilio (sid stored)', async () => {
    const { conversation } = await activeChat();
    const answered: number[] = [];
    const handed: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await post(conversation.id, { clientId: randomUUID(), text: `timing ${i}` });
      answered.push(performance.now() - t0);
      const { id } = (await res.json()) as MessageDto;
      await fx.waitForMessage(id, (m) => m.status === 'queued');
      handed.push(performance.now() - t0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
    console.log(`reply latency over 5 sends: POST median ${median(answered)} ms; at Twilio median ${median(handed)} ms (pg-boss LISTEN/NOTIFY on Postgres, a local wake-up on PGlite)`);
    expect(handed).toHaveLength(5);
  });
});
