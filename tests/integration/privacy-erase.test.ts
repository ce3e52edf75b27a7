import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '@/db/client';
import { attachments, auditLog, contacts, conversations, messages, simulatorMessages, statusCallbacks } from '@/db/schema';
import { storeMedia } from '@/lib/media/storage';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAgent, createQueueWithAgents, getConversation, post, type Agent } from '../helpers/routing';
import { inboundParams, postInbound, sid, type TestChannel } from '../helpers/twilio';

let app: TestApp;
let admin: Agent;
let supervisor: Agent;
let agent: Agent;
let ch: TestChannel;

const PHONE = '+14155557391';
const DIGITS = '14155557391';
const NAME = 'Zelda Quixote';
const SECRET = 'zanzibar';

const db = () => app.runtime.db.db;
const mediaFile = (key: string) => path.join(app.dataDir, 'media', key);

async function write(from: string, body: string, name = NAME) {
  const res = await postInbound(app, ch, inboundParams(ch.channel, { Body: body, ProfileName: name }, from));
  expect(res.status).toBe(200);
  const [contact] = await db().select().from(contacts).where(eq(contacts.phone, from));
  const [conv] = await db().select().from(conversations).where(eq(conversations.contactId, contact!.id)).orderBy(sql`created_at desc`).limit(1);
  return { contact: contact!, conversation: conv! };
}

/** A ready attachment on the conversation's latest inbound message, its bytes stored under DATA_DIR/media. */
async function attach(conversationId: string, bytes: Buffer) {
  const [m] = await db().select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(sql`seq desc`).limit(1);
  const stored = await storeMedia(bytes);
  await db().insert(attachments).values({ messageId: m!.id, contentType: 'image/png', size: stored.size, sha256: stored.sha256, storageKey: stored.storageKey, filename: 'passport.png', status: 'ready' });
  return stored.storageKey;
}

/** Rows anywhere in the database (every table of every schema, pg-boss's too) whose text holds `needle`. */
async function traces(needle: string): Promise<string[]> {
  const tables = rowsOf<{ s: string; t: string }>(
    await db().execute(sql`select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`),
  );
  const found: string[] = [];
  for (const { s, t } of tables) {
    const [row] = rowsOf<{ n: number }>(
      await db().execute(sql`select count(*)::int as n from ${sql.identifier(s)}.${sql.identifier(t)} x where x::text ilike ${'%' + needle + '%'}`),
    );
    if (Number(row!.n) > 0) found.push(`${s}.${t}: ${row!.n}`);
  }
  return found;
}

const historyIds = async (params: Record<string, string>) =>
  ((await (await app.fetch(`/api/v1/history?${new URLSearchParams(params)}`, { token: supervisor.token })).json()) as { items: { id: string }[] }).items.map((i) => i.id);

const report = async () => {
  const period = new URLSearchParams({ from: new Date(Date.now() - 300 * 86400_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString(), bucket: 'day' });
  const res = await app.fetch(`/api/v1/reports?${period}`, { token: admin.token });
  expect(res.status).toBe(200);
  const r = (await res.json()) as Record<string, unknown>;
  return { totals: r.totals, volume: r.volume, queues: r.queues, agents: r.agents, failedSends: r.failedSends };
};

beforeAll(async () => {
  app = await startTestApp();
  admin = await createAgent(app, { role: 'admin', name: 'Ada Admin' });
  supervisor = await createAgent(app, { role: 'supervisor', name: 'Sam Supervisor' });
  const q = await createQueueWithAgents(app, { agents: [{ name: 'Alice Agent', presence: 'available' }] });
  ch = q.ch;
  agent = q.agents[0]!;
});
afterAll(() => app?.close());

describe('erasing a contact', () => {
  let contactId: string;
  let keys: { own: string; shared: string };
  let otherConversationId: string;
  let convIds: string[];

  beforeAll(async () => {
    // The customer's first chat: accepted, an (undelivered) reply, resolved; a photo of a passport.
    const first = await write(PHONE, `My passport number is ${SECRET} 7788`);
    contactId = first.contact.id;
    expect((await post(app, `/api/v1/conversations/${first.conversation.id}/accept`, agent.token)).status).toBe(200);
    const [reply] = await db()
      .insert(messages)
      .values({
        conversationId: first.conversation.id, channelId: ch.channel.id, direction: 'outbound', kind: 'text', status: 'undelivered',
        body: `Thanks ${NAME}, checking ${SECRET}`, providerMessageId: sid(), authorId: agent.id, errorCode: '63016', errorReason: 'Outside the 24-hour window',
        raw: { To: `whatsapp:${PHONE}` },
      })
      .returning();
    await db().insert(statusCallbacks).values({ channelId: ch.channel.id, providerMessageId: reply!.providerMessageId!, status: 'undelivered', raw: { To: `whatsapp:${PHONE}`, MessageStatus: 'undelivered' } });
    keys = { own: await attach(first.conversation.id, Buffer.from(`png of ${SECRET}`)), shared: '' };
    expect((await post(app, `/api/v1/conversations/${first.conversation.id}/resolve`, agent.token)).status).toBe(200);
    // Their second chat, also closed: a sticker that another customer sent too (one file on disk for both).
    const second = await write(PHONE, `Also my address is 12 ${SECRET} street`);
    keys.shared = await attach(second.conversation.id, Buffer.from('the same sticker'));
    expect((await post(app, `/api/v1/conversations/${second.conversation.id}/resolve`, admin.token)).status).toBe(200);
    convIds = [first.conversation.id, second.conversation.id];
    // Someone else, with the same sticker.
    const other = await write('+14155550777', 'I am another customer', 'Otto Other');
    otherConversationId = other.conversation.id;
    expect(await attach(other.conversation.id, Buffer.from('the same sticker'))).toBe(keys.shared);
    // The simulated phone's copy, and a supervisor's history export filtered by the number (audited with it).
    await db().insert(simulatorMessages).values({ channelId: ch.channel.id, sid: sid(), direction: 'from_customer', customerPhone: PHONE, profileName: NAME, body: SECRET, status: 'accepted' });
    expect((await app.fetch(`/api/v1/history/export?contact=${encodeURIComponent(PHONE)}&format=json`, { token: supervisor.token })).status).toBe(200);
  });

  it('refuses another role, and a confirmation that is not the number', async () => {
    expect((await app.fetch(`/api/v1/contacts/${contactId}/erase`, { method: 'POST', token: supervisor.token, json: { confirm: PHONE } })).status).toBe(403);
    const wrong = await app.fetch(`/api/v1/contacts/${contactId}/erase`, { method: 'POST', token: admin.token, json: { confirm: '+14155550000' } });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'validation_failed', details: { fields: [{ path: 'confirm' }] } } });
    expect((await app.fetch(`/api/v1/contacts/${contactId}/erase`, { method: 'POST', token: admin.token, json: {} })).status).toBe(400);
    expect((await app.fetch(`/api/v1/contacts/${contactId}`, { token: admin.token })).status).toBe(200);
  });

  it('removes every trace of what they said and who they are, keeps reports, and answers a receipt', async () => {
    // Before: the admin finds them, history finds their words, and the traces are there (the checks can fail).
    const found = await (await app.fetch(`/api/v1/contacts?q=${DIGITS.slice(-6)}`, { token: admin.token })).json();
    expect(found.items).toEqual([expect.objectContaining({ id: contactId, phone: PHONE, name: NAME, counts: expect.objectContaining({ conversations: 2, attachments: 2 }) })]);
    expect((await (await app.fetch(`/api/v1/contacts?q=zelda`, { token: admin.token })).json()).items.map((c: { id: string }) => c.id)).toEqual([contactId]);
    expect(await historyIds({ q: SECRET })).toHaveLength(2);
    expect(await historyIds({ contact: PHONE })).toHaveLength(2);
    expect(await traces(SECRET)).not.toEqual([]);
    expect((await traces(DIGITS)).some((t) => t.startsWith('public.events'))).toBe(true);
    expect(fs.existsSync(mediaFile(keys.own))).toBe(true);
    const before = await report();

    // Typed with spaces, as people do.
    const res = await app.fetch(`/api/v1/contacts/${contactId}/erase`, { method: 'POST', token: admin.token, json: { confirm: '+1 415 555 7391' } });
    expect(res.status).toBe(200);
    const receipt = await res.json();
    console.log('erasure receipt', JSON.stringify(receipt));
    expect(receipt).toMatchObject({
      receiptId: expect.any(String), kind: 'contact', contactId, actorId: admin.id, erasedAt: expect.any(String), filesRemoved: 1, filesPending: 0,
      counts: { conversations: 2, messages: expect.any(Number), attachments: 2, statusCallbacks: 1, simulatorMessages: 1, auditEntriesRedacted: 1 },
    });
    expect(receipt.counts.events).toBeGreaterThan(0);

    // Nothing left anywhere: no word, no name, no number, in any table (outbox and pg-boss included).
    expect(await traces(SECRET)).toEqual([]);
    expect(await traces('Zelda')).toEqual([]);
    expect(await traces(DIGITS)).toEqual([]);
    expect(await historyIds({ q: SECRET })).toEqual([]);
    expect(await historyIds({ contact: PHONE })).toEqual([]);
    // The photo is gone from disk; the sticker another customer also sent stays.
    expect(fs.existsSync(mediaFile(keys.own))).toBe(false);
    expect(fs.existsSync(mediaFile(keys.shared))).toBe(true);
    expect((await app.fetch(`/api/v1/history/${otherConversationId}`, { token: supervisor.token })).status).toBe(200);
    // The contact is gone for the API; its export too.
    expect((await app.fetch(`/api/v1/contacts/${contactId}`, { token: admin.token })).status).toBe(404);
    expect((await app.fetch(`/api/v1/contacts/${contactId}/export`, { token: admin.token })).status).toBe(404);
    expect((await (await app.fetch(`/api/v1/contacts?q=${DIGITS}`, { token: admin.token })).json()).items).toEqual([]);
    // Reports: the same numbers (conversations and content-free message skeletons are kept).
    expect(await report()).toEqual(before);
    const left = await db().select().from(messages).where(sql`conversation_id in (${sql.join(convIds.map((id) => sql`${id}::uuid`), sql`, `)})`);
    expect(left.length).toBe(receipt.counts.messages);
    expect(left.every((m) => m.body === null && m.raw === null)).toBe(true);

    // The audit log says that it happened, with counts, not what was said.
    const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'contact.erased'));
    expect(audit).toEqual([expect.objectContaining({ actorId: admin.id, entity: 'contact', entityId: contactId, after: { receiptId: receipt.receiptId, counts: receipt.counts } })]);

    // Exactly the fields the OpenAPI document describes.
    const doc = await (await app.fetch('/api/v1/openapi.json')).json();
    expect(Object.keys(receipt).sort()).toEqual(Object.keys(doc.components.schemas.ErasureReceipt.properties).sort());
    expect(Object.keys(found.items[0]).sort()).toEqual(Object.keys(doc.components.schemas.PrivacyContact.properties).sort());

    // The receipt can be fetched again, and is listed.
    const again = await app.fetch(`/api/v1/erasures/${receipt.receiptId}`, { token: admin.token });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(receipt);
    expect((await (await app.fetch('/api/v1/erasures?kind=contact', { token: admin.token })).json()).items).toEqual([receipt]);
    expect((await app.fetch(`/api/v1/erasures/${receipt.receiptId}`, { token: supervisor.token })).status).toBe(403);
  });

  it('a new message from the same number afterwards starts a new contact', async () => {
    const again = await write(PHONE, 'Hello again', 'Zelda Q.');
    expect(again.contact.id).not.toBe(contactId);
    expect(again.contact.name).toBe('Zelda Q.');
    expect(again.conversation.status).toBe('waiting');
    const found = await (await app.fetch(`/api/v1/contacts?q=${DIGITS}`, { token: admin.token })).json();
    expect(found.items).toEqual([expect.objectContaining({ id: again.contact.id, counts: expect.objectContaining({ conversations: 1, messages: 1 }) })]);
  });

  it('resolves a contact’s open conversation first, freeing the agent', async () => {
    const { contact, conversation } = await write('+14155550888', `Urgent ${SECRET}`, 'Olga Open');
    expect((await post(app, `/api/v1/conversations/${conversation.id}/accept`, agent.token)).status).toBe(200);
    // A reply still waiting for the send job when the erasure comes.
    const [waiting] = await db()
      .insert(messages)
      .values({ conversationId: conversation.id, channelId: ch.channel.id, direction: 'outbound', kind: 'text', status: 'pending', body: `About ${SECRET}`, authorId: agent.id })
      .returning();
    const res = await app.fetch(`/api/v1/contacts/${contact.id}/erase`, { method: 'POST', token: admin.token, json: { confirm: '+14155550888' } });
    expect(res.status).toBe(200);
    const after = await getConversation(app, conversation.id);
    expect(after).toMatchObject({ status: 'closed', closeReason: 'resolved' });
    // It is never sent with its text gone: failed, with the reason.
    const [m] = await db().select().from(messages).where(eq(messages.id, waiting!.id));
    expect(m).toMatchObject({ status: 'failed', body: null, errorReason: 'The contact was erased before this was sent.' });
    expect(await traces('Olga')).toEqual([]);
  });
});
