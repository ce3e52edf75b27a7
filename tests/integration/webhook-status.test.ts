import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq } from 'drizzle-orm';
import { events, messages, statusCallbacks, type Message } from '@/db/schema';
import { applyPendingStatusCallbacks } from '@/lib/conversations/statuses';
import type { MessageDto } from '@/lib/conversations/dto';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTwilioChannel, inboundParams, postInbound, postSigned, sid, statusPath, type TestChannel } from '../helpers/twilio';

let app: TestApp;
let ch: TestChannel;
let token: string;
let conversationId: string;

beforeAll(async () => {
  app = await startTestApp();
  ch = await createTwilioChannel(app);
  const sup = await app.createUser({ role: 'supervisor' });
  token = await app.tokenFor(sup.email, sup.password);
  const p = inboundParams(ch.channel, {}, '+14155550900');
  await postInbound(app, ch, p);
  const [m] = await app.runtime.db.db.select().from(messages).where(eq(messages.providerMessageId, p.MessageSid!));
  conversationId = m!.conversationId;
});
afterAll(() => app?.close());

/** An outbound message as the send job leaves it once Twilio accepted it. */
async function outbound(providerMessageId: string | null = sid(), status: Message['status'] = 'queued'): Promise<Message> {
  const [m] = await app.runtime.db.db
    .insert(messages)
    .values({ conversationId, channelId: ch.channel.id, direction: 'outbound', kind: 'text', body: 'Hola', status, providerMessageId })
    .returning();
  return m!;
}

function callback(messageSid: string, status: string, extra: Record<string, string> = {}) {
  return postSigned(
    app,
    statusPath(ch.channel),
    { MessageSid: messageSid, SmsSid: messageSid, MessageStatus: status, SmsStatus: status, AccountSid: ch.accountSid, ChannelPrefix: 'whatsapp', ...extra },
    { authToken: ch.authToken },
  );
}

async function sendAll(messageSid: string, statuses: (string | [string, Record<string, string>])[]) {
  for (const s of statuses) {
    const [status, extra] = Array.isArray(s) ? s : [s, {}];
    const res = await callback(messageSid, status, extra);
    expect(res.status).toBe(204);
  }
}

async function apiMessage(id: string): Promise<MessageDto> {
  const res = await app.fetch(`/api/v1/conversations/${conversationId}/messages?limit=100`, { token });
  const page = (await res.json()) as { items: MessageDto[] };
  return page.items.find((m) => m.id === id)!;
}

async function updatedEvents(messageId: string): Promise<number> {
  const rows = await app.runtime.db.db.select().from(events).where(eq(events.type, 'message.updated'));
  return rows.filter((r) => (r.payload as { data: { message: { id: string } } }).data.message.id === messageId).length;
}

describe('status callbacks', () => {
  const orders: [string, string[], Message['status']][] = [
    ['in order', ['sent', 'delivered', 'read'], 'read'],
    ['read before delivered', ['sent', 'read', 'delivered'], 'read'],
    ['read first, then the rest late', ['read', 'sent', 'delivered', 'queued'], 'read'],
    ['delivered before sent', ['delivered', 'sent'], 'delivered'],
    ['failed then delivered', ['sent', 'failed', 'delivered', 'read'], 'failed'],
    ['undelivered then sent', ['undelivered', 'sent'], 'undelivered'],
    ['a late failure after delivery', ['sent', 'delivered', 'failed'], 'delivered'],
  ];
  for (const [name, statuses, expected] of orders) {
    it(`${name} (${statuses.join(' → ')}) ends ${expected}`, async () => {
      const m = await outbound();
      await sendAll(m.providerMessageId!, statuses);
      expect((await apiMessage(m.id)).status).toBe(expected);
    });
  }

  it('applies callbacks sent in parallel forward-only', async () => {
    const m = await outbound();
    const results = await Promise.all(['read', 'sent', 'delivered', 'sent', 'queued'].map((s) => callback(m.providerMessageId!, s)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(204));
    expect((await apiMessage(m.id)).status).toBe('read');
    // One event per forward step at most: never more than three (queued → sent → delivered → read).
    const n = await updatedEvents(m.id);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(3);
  });

  it('stores the error code with a reason a person understands', async () => {
    const m = await outbound();
    await sendAll(m.providerMessageId!, ['sent', ['failed', { ErrorCode: '63016', ErrorMessage: 'Failed to send freeform message' }]]);
    const dto = await apiMessage(m.id);
    expect(dto).toMatchObject({ status: 'failed', errorCode: '63016' });
    expect(dto.errorReason).toMatch(/24-hour window/);
    const m2 = await outbound();
    await sendAll(m2.providerMessageId!, [['undelivered', { ErrorCode: '30005' }]]);
    expect(await apiMessage(m2.id)).toMatchObject({ status: 'undelivered', errorCode: '30005', errorReason: expect.stringMatching(/unknown|no longer exists/) });
  });

  it('emits message.updated only when the status changed', async () => {
    const m = await outbound();
    await sendAll(m.providerMessageId!, ['delivered']);
    expect(await updatedEvents(m.id)).toBe(1);
    await sendAll(m.providerMessageId!, ['delivered', 'sent', 'queued']);
    expect(await updatedEvents(m.id)).toBe(1);
    await sendAll(m.providerMessageId!, ['read']);
    expect(await updatedEvents(m.id)).toBe(2);
  });

  it('keeps a callback for a sid not recorded yet and applies it when the send records the sid', async () => {
    const early = sid();
    await sendAll(early, ['sent', 'read']);
    const m = await outbound(null, 'pending');
    // The send job stores the sid Twilio returned, then applies what arrived before it.
    await app.runtime.db.db.update(messages).set({ providerMessageId: early, status: 'queued' }).where(eq(messages.id, m.id));
    const changed = await applyPendingStatusCallbacks(app.runtime.db.db, { channel: ch.channel, providerMessageId: early });
    expect(changed?.status).toBe('read');
    expect((await apiMessage(m.id)).status).toBe('read');
    expect(await updatedEvents(m.id)).toBe(1);
    // Applied once: a second call changes nothing.
    expect(await applyPendingStatusCallbacks(app.runtime.db.db, { channel: ch.channel, providerMessageId: early })).toBeNull();
  });

  it('logs every callback for audit, applied or not', async () => {
    const m = await outbound();
    await sendAll(m.providerMessageId!, ['sent', 'sent', 'delivered']);
    const rows = await app.runtime.db.db
      .select()
      .from(statusCallbacks)
      .where(and(eq(statusCallbacks.channelId, ch.channel.id), eq(statusCallbacks.providerMessageId, m.providerMessageId!)))
      // In arrival order: without ORDER BY, Postgres returns them in heap order, which marking them
      // applied (an UPDATE) can change.
      .orderBy(asc(statusCallbacks.id));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'delivered']);
    expect(rows.every((r) => r.appliedAt !== null && r.raw.ChannelPrefix === 'whatsapp')).toBe(true);
  });

  it('answers 400 without MessageSid or MessageStatus, 404 for an unknown channel', async () => {
    const res = await postSigned(app, statusPath(ch.channel), { MessageSid: sid() }, { authToken: ch.authToken });
    expect(res.status).toBe(400);
    const [n] = await app.runtime.db.db.select({ n: count() }).from(statusCallbacks).where(eq(statusCallbacks.status, ''));
    expect(n!.n).toBe(0);
    const path = '/api/webhooks/twilio/00000000-0000-4000-8000-000000000000/status';
    expect((await postSigned(app, path, { MessageSid: 'SM1', MessageStatus: 'sent' }, { authToken: ch.authToken })).status).toBe(404);
  });
});
