import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { contacts, conversations, events, messages } from '@/db/schema';
import { getDbHandle, openDatabase, type DbHandle } from '@/db/client';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTwilioChannel, inboundParams, postInbound, type TestChannel } from '../helpers/twilio';

let app: TestApp;
let ch: TestChannel;

beforeAll(async () => {
  app = await startTestApp();
  ch = await createTwilioChannel(app);
});
afterAll(() => app?.close());

describe('webhooks racing each other', () => {
  it('stores 50 identical webhooks sent in parallel once, with one message.created', async () => {
    const params = inboundParams(ch.channel, { Body: 'duplicado' }, '+14155550001');
    const results = await Promise.all(Array.from({ length: 50 }, () => postInbound(app, ch, params)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const db = app.runtime.db.db;
    const [m] = await db.select({ n: count() }).from(messages).where(eq(messages.providerMessageId, params.MessageSid!));
    expect(m!.n).toBe(1);
    const [c] = await db.select({ n: count() }).from(conversations);
    expect(c!.n).toBe(1);
    const [e] = await db.select({ n: count() }).from(events).where(eq(events.type, 'message.created'));
    expect(e!.n).toBe(1);
  });

  it('files 20 different messages of one new contact sent at once into one conversation', async () => {
    const from = '+14155550002';
    const batch = Array.from({ length: 20 }, (_, i) => inboundParams(ch.channel, { Body: `foto ${i}` }, from));
    const results = await Promise.all(batch.map((p) => postInbound(app, ch, p)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const db = app.runtime.db.db;
    const [contact] = await db.select().from(contacts).where(eq(contacts.phone, from));
    const convs = await db.select().from(conversations).where(eq(conversations.contactId, contact!.id));
    expect(convs).toHaveLength(1);
    const [m] = await db.select({ n: count() }).from(messages).where(eq(messages.conversationId, convs[0]!.id));
    expect(m!.n).toBe(20);
    const [created] = await db.select({ n: count() }).from(events).where(eq(events.type, 'conversation.created'));
    expect(created!.n).toBe(2);
  });

  it('answers 5xx, not 200, while the database is unreachable', async () => {
    const handle = getDbHandle();
    const saved = { ...handle };
    let gone: DbHandle | undefined;
    if (handle.kind === 'postgres') {
      // A real pool to a port nothing listens on: every connection attempt is refused.
      gone = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/parley', poolSize: 2 });
      handle.db = gone.db;
      handle.sql = gone.sql;
    } else {
      // PGlite is in-process and cannot go away: every query fails as if it had.
      const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      handle.db = new Proxy(handle.db, {
        get(target, prop) {
          if (prop === 'select' || prop === 'insert' || prop === 'update' || prop === 'transaction' || prop === 'execute') {
            return () => {
              throw down;
            };
          }
          return Reflect.get(target, prop);
        },
      });
    }
    try {
      const res = await postInbound(app, ch, inboundParams(ch.channel, {}, '+14155550003'));
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      handle.db = saved.db;
      handle.sql = saved.sql;
      await gone?.sql?.end({ timeout: 0 });
    }
    const [contact] = await app.runtime.db.db.select().from(contacts).where(eq(contacts.phone, '+14155550003'));
    expect(contact).toBeUndefined();
  });

  it('a webhook whose events cannot be written is rolled back whole (5xx) without failing the others filed with it, and its retry is stored once', async () => {
    const db = app.runtime.db.db;
    // The outbox refuses the one message marked FAIL-EVENTS, as a broken disk or constraint would.
    await db.execute(sql.raw(`create function parley_test_fail_events() returns trigger language plpgsql as $$
      begin if new.payload::text like '%FAIL-EVENTS%' then raise exception 'events refused'; end if; return new; end $$`));
    await db.execute(sql.raw('create trigger parley_test_fail_events before insert on events for each row execute function parley_test_fail_events()'));
    const bad = inboundParams(ch.channel, { Body: 'FAIL-EVENTS' }, '+14155550004');
    const good = Array.from({ length: 6 }, (_, i) => inboundParams(ch.channel, { Body: `bien ${i}` }, `+1415555001${i}`));
    try {
      const results = await Promise.all([...good.slice(0, 3), bad, ...good.slice(3)].map((p) => postInbound(app, ch, p)));
      expect(results.map((r) => r.status >= 500)).toEqual([false, false, false, true, false, false, false]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(6);
      const [stored] = await db.select({ n: count() }).from(messages).where(eq(messages.providerMessageId, bad.MessageSid!));
      expect(stored!.n).toBe(0);
      const [contact] = await db.select().from(contacts).where(eq(contacts.phone, '+14155550004'));
      expect(contact).toBeUndefined();
    } finally {
      await db.execute(sql.raw('drop trigger parley_test_fail_events on events'));
      await db.execute(sql.raw('drop function parley_test_fail_events()'));
    }
    // Twilio retries: now it is filed, once, with its event.
    expect((await postInbound(app, ch, bad)).status).toBe(200);
    expect((await postInbound(app, ch, bad)).status).toBe(200);
    const [m] = await db.select({ n: count() }).from(messages).where(eq(messages.providerMessageId, bad.MessageSid!));
    expect(m!.n).toBe(1);
    const [e] = await db.select({ n: count() }).from(events).where(sql`${events.type} = 'message.created' and ${events.payload}::text like '%FAIL-EVENTS%'`);
    expect(e!.n).toBe(1);
  });
});
