import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Db, type DbHandle } from '@/db/client';
import { insertChannel } from '@/db/queries/channels';
import type { Channel } from '@/db/schema';
import { fileInboundMessages, messagesTableIsGrown, type InboundRow } from '@/db/queries/inbound';
import { insertQueue } from '@/db/queries/queues';
import { receiveInboundMessages } from '@/lib/conversations/ingest';
import { parseTwilioMessage } from '@/lib/channels/twilio/parse';
import { baseDatabaseUrl, createTestDatabase, type TestDatabase } from '../helpers/db';

// The webhook's filing statement lets Postgres keep its plan once the messages table is past 512 kB
// (planning it on every webhook cost as much database time as running it), and not before: a plan
// made while the table held a few rows looks messages up by the wrong index, or scans them, until
// the next ANALYZE. Measured in rows Postgres reads from messages for one webhook.
const onPostgres = Boolean(baseDatabaseUrl);
let database: TestDatabase;
let pool: DbHandle; // one connection: every call reuses that connection's prepared statement
let channel: Channel;
let channelId: string;
let queueId: string;

const raw = { AccountSid: 'AC0', Body: 'hello', From: 'whatsapp:+15550000000', MessageType: 'text', NumMedia: '0', ProfileName: 'Ana' };
const row = (phone: string, replyTo: string | null = null): InboundRow => ({
  channelId,
  queueId,
  channelLanguage: 'en',
  phone,
  waId: null,
  profileName: 'Ana',
  kind: 'text',
  body: 'hello',
  providerMessageId: 'SM' + randomBytes(16).toString('hex'),
  location: null,
  raw,
  replyToProviderId: replyTo,
});

/** Files one message on `db` and returns the rows of messages Postgres read to do it. */
async function rowsReadFiling(db: Db, cachePlan: boolean): Promise<number> {
  // Postgres 15+ reports the counts not yet flushed to the shared statistics, which may include
  // earlier transactions': the difference around the statement is this webhook's.
  const read = async (tx: Db) =>
    rowsOf<{ n: number }>(
      await tx.execute(sql`select (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as n from pg_stat_xact_user_tables where relname = 'messages'`),
    )[0]?.n ?? 0;
  return db.transaction(async (tx) => {
    const before = await read(tx);
    const [filed] = await fileInboundMessages(tx, [row('+15550000001', 'SM-unknown')], { cachePlan });
    expect(filed?.message).toBeTruthy();
    return (await read(tx)) - before;
  });
}

/** 2,000 filler messages per call (about 600 kB) in this channel (inserted directly: nothing is ANALYZEd). */
async function grow(times: number) {
  for (let i = 0; i < times; i++) {
    await database.handle.db.execute(sql`
      with c as (insert into contacts (phone) values (${'+1666' + randomBytes(4).toString('hex')}) returning id),
      v as (
        insert into conversations (channel_id, contact_id, queue_id, status, language, last_message_at)
        select ${channelId}, c.id, ${queueId}, 'closed', 'en', now() from c returning id
      )
      insert into messages (conversation_id, channel_id, direction, kind, body, status, provider_message_id, raw)
      select v.id, ${channelId}, 'inbound', 'text', 'filler ' || g, 'received', 'SMF' || md5(random()::text), ${JSON.stringify(raw)}::jsonb
      from v, generate_series(1, 2000) g`);
  }
}

const genericPlansUsed = async () =>
  rowsOf<{ n: number }>(
    await pool.db.execute(sql`select coalesce(sum(generic_plans), 0)::int as n from pg_prepared_statements where statement like '%insert into contacts%'`),
  )[0]!.n;

beforeAll(async () => {
  if (!onPostgres) return;
  database = await createTestDatabase();
  // No autovacuum ANALYZE during the test: the plans must hold without one.
  await database.handle.db.execute(sql`alter table messages set (autovacuum_enabled = false)`);
  queueId = (await insertQueue(database.handle.db, { name: 'Support', routingRule: 'offer_all' })).id;
  channel = await insertChannel(database.handle.db, { name: 'WA', provider: 'twilio', phoneNumber: '+14150000001', accountSid: 'AC0', authTokenEncrypted: 'x', queueId });
  channelId = channel.id;
});
afterAll(async () => {
  await pool?.close();
  await database?.drop();
});

/** Webhooks through the ingest path (its own batcher per pool), one at a time. */
async function ingest(db: Db, n: number) {
  for (let i = 0; i < n; i++) {
    const sid = 'SM' + randomBytes(16).toString('hex');
    await receiveInboundMessages(db, { channel, messages: [parseTwilioMessage({ ...raw, MessageSid: sid, From: 'whatsapp:+15550000002' })] });
    await new Promise((r) => setTimeout(r, 20)); // lets the background size check answer
  }
}

describe.runIf(onPostgres)('the filing statement and its plan', () => {
  it('on a new install: not grown, and a plan cached now would read every message of the channel later', async () => {
    pool = await openDatabase({ databaseUrl: database.url!, poolSize: 1 });
    expect(await messagesTableIsGrown(pool.db)).toBe(false);
    for (let i = 0; i < 8; i++) await rowsReadFiling(pool.db, true); // five custom plans, then the generic one
    expect(await genericPlansUsed()).toBeGreaterThan(0);
    await grow(1);
    expect(await messagesTableIsGrown(pool.db)).toBe(true);
    // The hazard the policy avoids: the cached plan walks the channel's 2,000 messages.
    expect(await rowsReadFiling(pool.db, true)).toBeGreaterThan(1000);
    // Planned per call, the same statement reads next to nothing.
    expect(await rowsReadFiling(pool.db, false)).toBeLessThan(10);
    await pool.close();
  });

  it('once grown: the plan is cached, and still reads next to nothing after the table grows tenfold (no ANALYZE)', async () => {
    pool = await openDatabase({ databaseUrl: database.url!, poolSize: 1 });
    expect(await messagesTableIsGrown(pool.db)).toBe(true);
    for (let i = 0; i < 8; i++) expect(await rowsReadFiling(pool.db, true)).toBeLessThan(10);
    expect(await genericPlansUsed()).toBeGreaterThan(0);
    await grow(10);
    expect(await rowsReadFiling(pool.db, true)).toBeLessThan(10);
    await pool.close();
  });

  it('is planned per webhook on a new install, and cached once the messages table is past 512 kB', async () => {
    await database.handle.db.execute(sql`truncate messages, conversations, contacts cascade`);
    pool = await openDatabase({ databaseUrl: database.url!, poolSize: 1 });
    await ingest(pool.db, 8);
    expect(await genericPlansUsed()).toBe(0);
    await pool.close();
    await grow(1);
    pool = await openDatabase({ databaseUrl: database.url!, poolSize: 1 }); // a new process, say
    await ingest(pool.db, 8);
    expect(await genericPlansUsed()).toBeGreaterThan(0);
  });
});
