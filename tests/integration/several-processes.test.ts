import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { io as connectIo, type Socket } from 'socket.io-client';
import { events, messages } from '@/db/schema';
import { addQueueMembers, insertQueue } from '@/db/queries/queues';
import { parseTwilioMessage } from '@/lib/channels/twilio/parse';
import { receiveInboundMessages } from '@/lib/conversations/ingest';
import type { TestApp } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeTwilioApi } from '../helpers/fake-twilio-api';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../helpers/redis-server';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/round-robin-proxy';
import { createAgent, nextPhone, type Agent } from '../helpers/routing';
import { spawnServer, type ServerProcess } from '../helpers/spawn-server';
import { createTwilioChannel, eventually, inboundParams, signTwilio, webhookPath, type TestChannel } from '../helpers/twilio';

// Production's shape: three Parley processes on one Postgres and one Redis behind a round-robin
// load balancer without sticky sessions. One is killed (-9) while signed webhooks pour in, agents
// reply and agents and supervisors are connected.
const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const ready = !!databaseUrl && (await hasRedisServer());
if (!ready) console.warn('several-processes.test.ts skipped: it needs Postgres (DATABASE_URL) and redis-server on the PATH.');

const LOAD_MS = 18_000;
const KILL_AFTER_MS = 6_000;
const WEBHOOK_CONCURRENCY = 6;
const CUSTOMERS = 12;

const env = {
  NODE_ENV: 'test',
  AUTH_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
};

let database: TestDatabase;
let redis: PrivateRedis;
let proxy: RoundRobinProxy;
let twilio: Awaited<ReturnType<typeof startFakeTwilioApi>>;
const servers: ServerProcess[] = [];
const killed = new Set<ServerProcess>();
const clients: LiveSocket[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A socket.io-client as the browser's (components/realtime/use-realtime.ts): reconnects with auth.since. */
type LiveSocket = {
  name: string;
  socket: Socket;
  firstReady: Promise<number>;
  /** message id -> how many times message.created brought it */
  created: Map<string, number>;
  readies: { at: number; replayed: number }[];
  disconnects: number[];
  resyncs: number;
  /** The `since` of each reconnect. */
  sinces: number[];
};

function connectLive(name: string, token: string): LiveSocket {
  let last: number | undefined;
  const socket = connectIo(proxy.url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnectionDelay: 300,
    reconnectionDelayMax: 2_000,
    auth: (cb) => {
      if (last !== undefined) s.sinces.push(last);
      cb({ token, ...(last !== undefined ? { since: last } : {}) });
    },
  });
  const s: LiveSocket = { name, socket, firstReady: Promise.resolve(0), created: new Map(), readies: [], disconnects: [], resyncs: 0, sinces: [] };
  s.firstReady = new Promise((resolve) => {
    socket.on('ready', (p: { lastEventId: number; replayed: number }) => {
      if (last === undefined) last = p.lastEventId;
      s.readies.push({ at: Date.now(), replayed: p.replayed });
      resolve(p.lastEventId);
    });
  });
  socket.on('disconnect', () => s.disconnects.push(Date.now()));
  socket.on('resync', (p: { lastEventId: number }) => {
    s.resyncs++;
    last = p.lastEventId;
  });
  socket.onAny((type: string, payload: { eventId?: number; message?: { id: string } }) => {
    if (typeof payload?.eventId === 'number') last = Math.max(last ?? 0, payload.eventId);
    if (type === 'message.created' && payload.message) s.created.set(payload.message.id, (s.created.get(payload.message.id) ?? 0) + 1);
  });
  return s;
}

async function api(path: string, token: string, init: { method?: string; json?: unknown } = {}): Promise<Response> {
  return fetch(proxy.url + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
}

/** Posts a signed webhook through the proxy; like Twilio's retries, anything but 200 is posted again, the same. */
async function deliverWebhook(ch: TestChannel, params: Record<string, string>, stats: { attempts: number }): Promise<boolean> {
  const path = webhookPath(ch.channel);
  const signature = signTwilio(ch.authToken, proxy.url + path, params);
  for (let i = 0; i < 10; i++) {
    stats.attempts++;
    const status = await fetch(proxy.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    }).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );
    if (status === 200) return true;
    await sleep(300);
  }
  return false;
}

describe.skipIf(!ready)('three Parley processes behind a round-robin proxy', () => {
  beforeAll(async () => {
    database = await createTestDatabase({ driver: 'postgres' });
    Object.assign(process.env, { ENCRYPTION_KEY: env.ENCRYPTION_KEY });
    [redis, proxy, twilio] = await Promise.all([startPrivateRedis(), startRoundRobinProxy(), startFakeTwilioApi({ latencyMs: 250 })]);
    const started = await Promise.all(
      [0, 1, 2].map(() =>
        spawnServer({
          ...env,
          DATABASE_URL: database.url!,
          REDIS_URL: redis.url,
          SERVE_PUBLIC_URL: proxy.url,
          TWILIO_API_BASE_URL: twilio.url,
        }),
      ),
    );
    servers.push(...started);
    proxy.setBackends(servers.map((s) => s.url));
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.socket.disconnect();
    await Promise.all(servers.filter((s) => !killed.has(s)).map((s) => s.stop()));
    await proxy?.close();
    await twilio?.close();
    await redis?.kill();
    await database?.drop();
  }, 60_000);

  it('kill -9 of one under load: no acknowledged webhook lost or doubled, sockets catch up on the others, no reply sent twice', { timeout: 150_000 }, async () => {
    const db = database.handle.db;
    const viaProxy = { url: proxy.url, runtime: { db: database.handle } } as unknown as TestApp;
    const queue = await insertQueue(db, { name: `several-${randomBytes(3).toString('hex')}`, routingRule: 'offer_all' });
    const agents: Agent[] = [];
    for (let i = 0; i < 3; i++) agents.push(await createAgent(viaProxy, { name: `Agent ${i}`, maxChats: 50 }));
    const supervisors: Agent[] = [];
    for (let i = 0; i < 3; i++) supervisors.push(await createAgent(viaProxy, { name: `Supervisor ${i}`, role: 'supervisor' }));
    await addQueueMembers(db, { queueId: queue.id, userIds: agents.map((a) => a.id) });
    const ch = await createTwilioChannel(viaProxy, { queueId: queue.id, environment: 'production' });
    for (const a of agents) expect((await api('/api/v1/me/presence', a.token, { method: 'PUT', json: { presence: 'available' } })).status).toBe(200);

    // Twelve customers write; each agent takes four of the chats.
    const phones = Array.from({ length: CUSTOMERS }, () => nextPhone());
    const setupStats = { attempts: 0 };
    for (const p of phones) expect(await deliverWebhook(ch, inboundParams(ch.channel, { Body: 'hello' }, p), setupStats)).toBe(true);
    const waiting = await eventually(async () => {
      const r = await api(`/api/v1/conversations?status=waiting&queueId=${queue.id}`, supervisors[0]!.token);
      const items = ((await r.json()) as { items: { id: string }[] }).items;
      return items.length === CUSTOMERS ? items : undefined;
    });
    const held = new Map<string, string[]>(agents.map((a) => [a.id, []]));
    for (const [i, c] of waiting.entries()) {
      const a = agents[i % 3]!;
      expect((await api(`/api/v1/conversations/${c.id}/accept`, a.token, { method: 'POST' })).status).toBe(200);
      held.get(a.id)!.push(c.id);
    }

    // Agents and supervisors connect through the proxy: two sockets per process.
    for (const a of agents) clients.push(connectLive(a.name, a.token));
    for (const s of supervisors) clients.push(connectLive(s.name, s.token));
    const since = new Map<LiveSocket, number>();
    for (const c of clients) since.set(c, await c.firstReady);
    await eventually(async () => Object.values(proxy.tunnels()).reduce((x, y) => x + y, 0) === clients.length);
    const victim = servers.find((s) => (proxy.tunnels()[new URL(s.url).href] ?? 0) > 0)!;
    const onVictim = proxy.tunnels()[new URL(victim.url).href] ?? 0;

    // Load: webhooks from the twelve customers, replies from the agents, one kill -9 in the middle.
    const wh = { sent: 0, acknowledged: [] as string[], lost: [] as string[], attempts: 0 };
    const replies = { asked: 0, accepted: [] as string[], refused: 0, attempts: 0 };
    const end = Date.now() + LOAD_MS;
    let n = 0;
    const webhookWorker = async () => {
      while (Date.now() < end) {
        const sid = 'SM' + randomBytes(16).toString('hex');
        const params = inboundParams(ch.channel, { Body: `load ${n++}`, MessageSid: sid }, phones[n % CUSTOMERS]!);
        wh.sent++;
        if (await deliverWebhook(ch, params, wh)) wh.acknowledged.push(sid);
        else wh.lost.push(sid);
      }
    };
    const replyWorker = async (a: Agent) => {
      let k = 0;
      while (Date.now() < end) {
        await sleep(400);
        const conversationId = held.get(a.id)![k++ % 4]!;
        const clientId = randomUUID();
        const text = `reply ${clientId}`;
        replies.asked++;
        for (let i = 0; i < 10; i++) {
          replies.attempts++;
          const status = await api(`/api/v1/conversations/${conversationId}/messages`, a.token, { method: 'POST', json: { clientId, text } }).then(
            async (r) => (await r.arrayBuffer(), r.status),
            () => 0,
          );
          if (status === 201 || status === 200) {
            replies.accepted.push(text);
            break;
          }
          if (status >= 400 && status < 500) {
            replies.refused++;
            break;
          }
          await sleep(300);
        }
      }
    };
    let killedAt = 0;
    const killer = (async () => {
      await sleep(KILL_AFTER_MS);
      killedAt = Date.now();
      killed.add(victim);
      victim.child.kill('SIGKILL');
    })();
    await Promise.all([...Array.from({ length: WEBHOOK_CONCURRENCY }, webhookWorker), ...agents.map(replyWorker), killer]);

    // Sockets that were on the victim come back through the proxy to the others.
    const moved = clients.filter((c) => c.disconnects.some((t) => t >= killedAt));
    await eventually(async () => moved.every((c) => c.readies.some((r) => r.at > killedAt)), 30_000);
    await eventually(async () => (proxy.tunnels()[new URL(victim.url).href] ?? 0) === 0);

    // Every acknowledged webhook is stored, once; nothing is stored twice.
    const stored = await db
      .select({ sid: messages.providerMessageId, n: sql<number>`count(*)::int` })
      .from(messages)
      .where(and(eq(messages.channelId, ch.channel.id), eq(messages.direction, 'inbound')))
      .groupBy(messages.providerMessageId);
    const storedCount = new Map(stored.map((r) => [r.sid!, r.n]));
    const missing = wh.acknowledged.filter((sid) => storedCount.get(sid) !== 1);
    const doubled = stored.filter((r) => r.n > 1);

    // What each socket had to receive: every message.created of its chats (supervisors: of all
    // chats) committed after it first connected.
    const expectedFor = async (c: LiveSocket, conversationIds?: string[]) => {
      const rows = await db
        .select({ id: sql<string>`${events.payload}->'data'->'message'->>'id'` })
        .from(events)
        .where(
          and(
            eq(events.type, 'message.created'),
            gt(events.id, since.get(c)!),
            conversationIds ? inArray(events.conversationId, conversationIds) : undefined,
          ),
        );
      return rows.map((r) => r.id);
    };
    const missedEvents = async (c: LiveSocket, ids: string[]) =>
      ids.length
        ? (
            await db
              .select({ id: events.id, at: events.createdAt })
              .from(events)
              .where(and(eq(events.type, 'message.created'), inArray(sql`${events.payload}->'data'->'message'->>'id'`, ids)))
          ).map((r) => `event ${r.id} at ${r.at.toISOString()} (reconnected with since ${c.sinces.join(', ')})`)
        : [];
    const settleUntil = Date.now() + 20_000;
    const report: { name: string; expected: number; received: number; missed: number; twice: number; reconnects: number; replayed: number }[] = [];
    for (;;) {
      report.length = 0;
      for (const [i, c] of clients.entries()) {
        const expected = await expectedFor(c, i < 3 ? held.get(agents[i]!.id) : undefined);
        const missed = expected.filter((id) => !c.created.has(id)).length;
        const twice = [...c.created.values()].filter((k) => k > 1).length;
        const replayed = c.readies.slice(1).reduce((x, r) => x + r.replayed, 0);
        report.push({ name: c.name, expected: expected.length, received: c.created.size, missed, twice, reconnects: c.readies.length - 1, replayed });
      }
      if (report.every((r) => r.missed === 0) || Date.now() > settleUntil) break;
      await sleep(500);
    }

    // Replies: each one the agents' API accepted goes to Twilio at most once (and, given time, once).
    await eventually(async () => twilio.sent.length >= replies.accepted.length, 20_000).catch(() => undefined);
    const sends = new Map<string, number>();
    for (const m of twilio.sent) sends.set(m.params.get('Body') ?? '', (sends.get(m.params.get('Body') ?? '') ?? 0) + 1);
    const sentTwice = [...sends.values()].filter((k) => k > 1).length;
    // A send the killed process had at Twilio when it died: Twilio took it, its sid was never recorded.
    const recorded = new Set(
      (await db.select({ sid: messages.providerMessageId }).from(messages).where(and(eq(messages.channelId, ch.channel.id), eq(messages.direction, 'outbound')))).map(
        (r) => r.sid,
      ),
    );
    const unrecorded = twilio.sent.filter((m) => !recorded.has(m.sid)).length;
    const repairedFromOutbox = servers
      .filter((s) => !killed.has(s))
      .reduce((x, s) => x + [...s.output().matchAll(/"delivered":(\d+).*never came over the relay/g)].reduce((y, m) => y + Number(m[1]), 0), 0);
    const notSent = replies.accepted.filter((t) => !sends.has(t)).length;

    const reconnectMs = moved.map((c) => c.readies.find((r) => r.at > killedAt)!.at - killedAt).sort((a, b) => a - b);
    console.log(
      [
        `[several-processes] 3 processes behind a round-robin proxy (${proxy.stats.requests} HTTP requests, ${proxy.stats.retriedElsewhere} retried on another process after a refused connection, ${proxy.stats.badGateway} answered 502)`,
        `  kill -9 after ${KILL_AFTER_MS} ms of ${LOAD_MS} ms load; ${onVictim} of ${clients.length} sockets were on the killed process`,
        `  webhooks: sent ${wh.sent}, acknowledged ${wh.acknowledged.length}, stored ${stored.length} (acknowledged but not stored once: ${missing.length}, stored twice: ${doubled.length}), never acknowledged ${wh.lost.length}, posts incl. retries ${wh.attempts}`,
        `  sockets reconnected: ${moved.length}; time from kill to catch-up done: ${reconnectMs.join(', ')} ms; events the killed process committed but never relayed, delivered from the outbox by the others: ${repairedFromOutbox}`,
        ...report.map(
          (r) => `  ${r.name.padEnd(13)} message.created expected ${r.expected}, received ${r.received}, missed ${r.missed}, twice ${r.twice}; reconnects ${r.reconnects}, replayed on reconnect ${r.replayed}`,
        ),
        `  replies: asked ${replies.asked}, accepted ${replies.accepted.length}, refused ${replies.refused}, posts incl. retries ${replies.attempts}; at Twilio: ${twilio.sent.length} sends, ${sentTwice} sent twice, ${notSent} accepted but not sent (yet), ${unrecorded} taken by Twilio with no sid recorded (in flight on the killed process; its send job's retry after expiry would send it again)`,
      ].join('\n'),
    );

    expect(wh.acknowledged.length).toBeGreaterThan(0);
    expect(moved.length).toBe(onVictim);
    expect(missing).toEqual([]);
    expect(doubled).toEqual([]);
    for (const [i, c] of clients.entries()) {
      const expected = await expectedFor(c, i < 3 ? held.get(agents[i]!.id) : undefined);
      const lost = await missedEvents(c, expected.filter((id) => !c.created.has(id)));
      if (lost.length) console.log(`  ${c.name} missed: ${lost.join('; ')}`);
    }
    for (const r of report) expect(r, r.name).toMatchObject({ missed: 0, twice: 0 });
    expect(sentTwice).toBe(0);
  });

  it('a message a process committed but died before relaying reaches the sockets on the others, once', { timeout: 60_000 }, async () => {
    const db = database.handle.db;
    const viaProxy = { url: proxy.url, runtime: { db: database.handle } } as unknown as TestApp;
    const supervisor = await createAgent(viaProxy, { name: 'Late supervisor', role: 'supervisor' });
    const watcher = connectLive('late', supervisor.token);
    clients.push(watcher);
    await watcher.firstReady;
    const ch = await createTwilioChannel(viaProxy, { environment: 'production' });
    // This test process plays the process that died: it files the webhook (commit, outbox) and
    // relays nothing, as if killed right after the commit.
    const [result] = await receiveInboundMessages(db, {
      channel: ch.channel,
      messages: [parseTwilioMessage(inboundParams(ch.channel, { Body: 'committed, never relayed' }, nextPhone()))],
    });
    if (result.duplicate) throw new Error('a fresh MessageSid was filed as a duplicate');
    const id = result.message.id;
    const t0 = Date.now();
    await eventually(async () => watcher.created.has(id), 20_000);
    const ms = Date.now() - t0;
    await sleep(4_000);
    console.log(`[several-processes] an event committed but never relayed reached a socket on another process after ${ms} ms (from the outbox)`);
    expect(watcher.created.get(id)).toBe(1);
  });
});
