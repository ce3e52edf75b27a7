import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { createClient } from 'redis';
import { conversations } from '@/db/schema';
import { addQueueMembers, insertQueue } from '@/db/queries/queues';
import { insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import type { TestApp } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { connectSocket, type TestSocket } from '../helpers/routing';
import { spawnServer, type ServerProcess } from '../helpers/spawn-server';
import { createTwilioChannel, eventually, inboundParams, postInbound, type TestChannel } from '../helpers/twilio';

// Two Parley processes on two ports, one Postgres database, one Redis: what production runs.
const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const c = createClient({ url: redisUrl, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.ping();
    await c.quit();
    return true;
  } catch {
    return false;
  }
}
const ready = !!databaseUrl && (await redisReachable());
if (!ready) {
  console.warn(
    `two-process.test.ts skipped: it needs Postgres (DATABASE_URL${databaseUrl ? ' set' : ' is not set'}) and Redis at ${redisUrl}${databaseUrl ? ' (not reachable)' : ''}.`,
  );
}

const env = {
  NODE_ENV: 'test',
  AUTH_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  REDIS_URL: redisUrl,
};

let database: TestDatabase;
let A: ServerProcess;
let B: ServerProcess;
const sockets: TestSocket[] = [];

/** Just enough of TestApp for the webhook helpers, pointed at process A. */
const viaA = (): TestApp =>
  ({
    url: A.url,
    runtime: { db: database.handle },
    fetch: (p: string, init: RequestInit = {}) => fetch(A.url + p, init),
  }) as unknown as TestApp;

async function tokenFor(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe.skipIf(!ready)('two Parley processes with Redis', () => {
  let ch: TestChannel;
  const agents: { id: string; token: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ driver: 'postgres' });
    Object.assign(process.env, { ENCRYPTION_KEY: env.ENCRYPTION_KEY });
    [A, B] = await Promise.all([
      spawnServer({ ...env, DATABASE_URL: database.url! }),
      spawnServer({ ...env, DATABASE_URL: database.url! }),
    ]);
    const db = database.handle.db;
    const queue = await insertQueue(db, { name: 'Shared', routingRule: 'offer_all' });
    for (const name of ['On A', 'On B']) {
      const u = await insertUser(db, {
        email: `${name.replace(' ', '').toLowerCase()}@example.test`,
        name,
        role: 'agent',
        maxChats: 50,
        passwordHash: await hashPassword('correct horse battery'),
      });
      agents.push({ id: u.id, token: await tokenFor(A.url, u.email, 'correct horse battery') });
    }
    await addQueueMembers(db, { queueId: queue.id, userIds: agents.map((a) => a.id) });
    ch = await createTwilioChannel(viaA(), { queueId: queue.id });
    for (const [i, a] of agents.entries()) {
      const res = await fetch(`${[A, B][i]!.url}/api/v1/me/presence`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
        body: JSON.stringify({ presence: 'available' }),
      });
      expect(res.status).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([A?.stop(), B?.stop()]);
    await database?.drop();
  });

  it('a webhook posted to A reaches an agent connected to B', async () => {
    const onB = connectSocket(B.url, agents[1]!.token);
    sockets.push(onB);
    await onB.ready;
    const res = await postInbound(viaA(), ch, inboundParams(ch.channel, { Body: 'Hello from A' }, '+14155550123'));
    expect(res.status).toBe(200);
    const got = await onB.waitFor(
      (r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'Hello from A',
      20_000,
    );
    expect(got.payload.eventId).toBeGreaterThan(0);
    await onB.waitFor((r) => r.type === 'conversation.created');
  });

  it('accepts racing on A and B: exactly one wins each chat, and the other process’s agent sees it go', { timeout: 120_000 }, async () => {
    const onA = connectSocket(A.url, agents[0]!.token);
    sockets.push(onA);
    await onA.ready;
    const phones = Array.from({ length: 8 }, (_, i) => `+1415555${String(1000 + i)}`);
    for (const p of phones) expect((await postInbound(viaA(), ch, inboundParams(ch.channel, { Body: 'race' }, p))).status).toBe(200);
    const db = database.handle.db;
    const chats = await eventually(async () => {
      const rows = await db.select().from(conversations).where(eq(conversations.status, 'waiting'));
      return rows.length >= phones.length ? rows : undefined;
    });
    const ids = chats.map((c) => c.id);

    const accept = (base: string, token: string, id: string) =>
      fetch(`${base}/api/v1/conversations/${id}/accept`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const results = await Promise.all(
      ids.map(async (id) => {
        const [a, b] = await Promise.all([accept(A.url, agents[0]!.token, id), accept(B.url, agents[1]!.token, id)]);
        return { id, a, b };
      }),
    );
    for (const r of results) expect([r.a, r.b].sort()).toEqual([200, 409]);

    const rows = await db.select().from(conversations).where(inArray(conversations.id, ids));
    for (const r of results) {
      const row = rows.find((x) => x.id === r.id)!;
      expect(row.assigneeId).toBe(r.a === 200 ? agents[0]!.id : agents[1]!.id);
    }
    // The loser, on the other process, is told the chat went to someone else.
    const lostByB = results.find((r) => r.a === 200);
    if (lostByB) {
      const e = await sockets[0]!.waitFor(
        (x) => x.type === 'conversation.updated' && (x.payload.conversation as { id: string; status: string }).id === lostByB.id &&
          (x.payload.conversation as { status: string }).status === 'active',
      );
      expect(e.payload.conversation).toMatchObject({ assigneeId: agents[0]!.id });
    }
    const lostByA = results.find((r) => r.b === 200);
    if (lostByA) {
      await onA.waitFor(
        (x) => x.type === 'conversation.updated' && (x.payload.conversation as { id: string }).id === lostByA.id &&
          (x.payload.conversation as { status: string }).status === 'active',
      );
    }
  });
});
