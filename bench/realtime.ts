/**
 * Realtime delivery: webhook-to-agent-socket latency at a fixed message rate with 100 agents and
 * 5 supervisors connected, then the time for one event to reach 1,000 connected sockets.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:realtime
 *
 * The production server (server.ts after `next build`, NODE_ENV=production; builds first if needed)
 * runs in a child process on a fresh database that is dropped afterwards; this process signs and posts
 * Twilio webhooks and holds the sockets. 100 agents in 10 offer_all queues of 10 (one channel each),
 * so each message reaches its queue's 10 agents and the 5 supervisors. The database starts with
 * HISTORY earlier messages in closed chats, as an installation in use does.
 *
 * After a warm-up (the server's first seconds: JIT, connections, plan caches) that opens 400 chats,
 * the measured run posts RATE messages/s: 1 in 10 a new customer's first message (it opens a chat
 * offered to 10 agents), the others into the open chats. Then a burst: BURST new customers at RATE/s
 * (every message opens a chat: about twice the work). Then the fan-out to 1,000 sockets.
 * Bounded: about 40 s.
 * Knobs: BENCH_RATE (messages/s, 200), BENCH_SECONDS (10), BENCH_NEW_SHARE (0.1), BENCH_BURST (500),
 * BENCH_HISTORY (20000), BENCH_FANOUT (1000), REDIS_URL (optional), BENCH_DEBUG=1 (prints the
 * database's transaction and per-table scan counts at the end).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { EventEmitter } from 'node:events';
import { io as connectIo, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { addQueueMembers, insertQueue } from '@/db/queries/queues';
import { insertChannel } from '@/db/queries/channels';
import { insertApiToken } from '@/db/queries/api-tokens';
import { insertUser } from '@/db/queries/users';
import type { Channel } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { encryptSecret, sha256Hex } from '@/lib/crypto';
import { createTestDatabase } from '../tests/helpers/db';
import { LeanAgent, renderPost } from './lib/lean-http';
import { postgresCpuMs } from './lib/cpu';
import { startProductionServer } from './lib/production-server';
import { wakeupLatency } from './lib/wakeup';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FANOUT = Number(process.env.BENCH_FANOUT ?? 1000);
const QUEUES = 10;
/** Chats opened in the warm-up: the measured messages that are not a new customer's go to them. */
const OPEN_CHATS = 400;
/** Share of the measured messages that are a new customer's first message (spread evenly). */
const NEW_SHARE = Number(process.env.BENCH_NEW_SHARE ?? 0.1);
/** New customers in the burst after the steady run. */
const BURST = Number(process.env.BENCH_BURST ?? 500);
const WARM_SECONDS = 3;
/** Earlier messages in the database (closed chats spread over the channels). */
const HISTORY = Number(process.env.BENCH_HISTORY ?? 20_000);
const AGENTS_PER_QUEUE = 10;
const SUPERVISORS = 5;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(url: string, token: string): Promise<Socket> {
  const s = connectIo(url, { transports: ['websocket'], reconnection: false, auth: { token } });
  return new Promise((resolve, reject) => {
    s.once('ready', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/**
 * The other agents' and the supervisors' sockets: the Socket.IO protocol spoken directly over a
 * WebSocket, decoding a packet only when someone listens for its event. They stand for browsers on
 * other machines; with socket.io-client each would JSON-decode every event it receives, and 100
 * of them in this one process took half a core from the server under test. The probes that take
 * the latency are real socket.io-client sockets.
 */
class LeanSocket extends EventEmitter {
  private constructor(private readonly ws: WebSocket) {
    super();
  }

  static connect(url: string, token: string): Promise<LeanSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const s = new LeanSocket(ws);
    return new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        // Engine.IO: 0 open, 2 ping (answer 3), 4 message; Socket.IO inside it: 0 connect, 2 event, 4 error.
        if (data[0] === 0x32 && data.length === 1) return ws.send('3');
        if (data[0] === 0x30) return ws.send('40' + JSON.stringify({ token }));
        if (data[0] !== 0x34) return;
        if (data[1] === 0x34) return reject(new Error(data.toString()));
        if (data[1] !== 0x32) return;
        const text = data.toString();
        if (text.startsWith('42["ready"')) return resolve(s);
        const name = text.slice(4, text.indexOf('"', 4));
        if (s.listenerCount(name)) s.emit(name, (JSON.parse(text.slice(2)) as [string, unknown])[1]);
      });
    });
  }

  disconnect(): void {
    this.ws.close();
  }
}

type Handler = (e: { message: { body: string } }) => void;
type Conn = { on(e: 'message.created', h: Handler): unknown; off(e: 'message.created', h: Handler): unknown; once(e: 'message.created', h: Handler): unknown; disconnect(): unknown };

function signedForm(url: string, authToken: string, params: Record<string, string>) {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return {
    body: new URLSearchParams(params).toString(),
    signature: createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64'),
  };
}

async function main() {
  if (!process.env.DATABASE_URL) {
    console.log('bench:realtime needs Postgres: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:realtime');
    return;
  }
  const started = Date.now();
  // Measured first, on the quiet machine: the floor every hop of a webhook stands on.
  const floor = await wakeupLatency();
  console.log(
    `this machine: a loopback TCP round trip to another idle process takes p50 ${floor.p50.toFixed(2)} ms, ` +
      `p99 ${floor.p99.toFixed(1)} ms, max ${floor.max.toFixed(1)} ms (${floor.n}, 4 ms apart); a webhook reaching an agent makes ~8 such hops`,
  );
  const database = await createTestDatabase({ driver: 'postgres' });
  const encryptionKey = randomBytes(32).toString('hex');
  const server = await startProductionServer({
    DATABASE_URL: database.url!,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: encryptionKey,
    LOG_LEVEL: 'warn',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const sockets: Conn[] = [];
  try {
    const db = database.handle.db;
    const passwordHash = await hashPassword(randomBytes(12).toString('hex'));
    const tokenFor = async (userId: string) => {
      const token = `prl_${randomBytes(24).toString('hex')}`;
      await insertApiToken(db, { userId, name: 'bench', tokenHash: sha256Hex(token) });
      return token;
    };
    const channels: { channel: Channel; authToken: string }[] = [];
    const agentTokens: string[][] = [];
    for (let q = 0; q < QUEUES; q++) {
      const queue = await insertQueue(db, { name: `Bench ${q}`, routingRule: 'offer_all' });
      const ids: string[] = [];
      const tokens: string[] = [];
      for (let a = 0; a < AGENTS_PER_QUEUE; a++) {
        const u = await insertUser(db, { email: `a${q}-${a}@bench.test`, name: `Agent ${q}.${a}`, role: 'agent', passwordHash, presence: 'available' });
        ids.push(u.id);
        tokens.push(await tokenFor(u.id));
      }
      await addQueueMembers(db, { queueId: queue.id, userIds: ids });
      agentTokens.push(tokens);
      const authToken = randomBytes(16).toString('hex');
      const channel = await insertChannel(db, {
        name: `Bench ${q}`,
        provider: 'twilio',
        phoneNumber: `+1415000${String(1000 + q)}`,
        accountSid: 'AC' + randomBytes(16).toString('hex'),
        authTokenEncrypted: encryptSecret(authToken, encryptionKey),
        queueId: queue.id,
      });
      channels.push({ channel, authToken });
    }
    // An installation in use: HISTORY earlier messages, 10 per closed chat, over the 10 channels.
    const seeded = performance.now();
    await db.execute(sql`
      with c as (
        insert into contacts (phone, name)
        select '+1416' || lpad(g::text, 7, '0'), 'Customer ' || g from generate_series(1, ${Math.ceil(HISTORY / 10)}) g
        returning id, phone
      ), v as (
        insert into conversations (channel_id, contact_id, queue_id, status, language, last_inbound_at, last_message_at, created_at, closed_at)
        select ch.id, c.id, ch.queue_id, 'closed', 'en', now() - interval '2 days', now() - interval '2 days', now() - interval '2 days', now() - interval '1 day'
        from c join (select id, queue_id, row_number() over (order by id) - 1 as n from channels) ch
          on ch.n = right(c.phone, 7)::int % ${QUEUES}
        returning id, channel_id
      )
      insert into messages (conversation_id, channel_id, direction, kind, body, status, provider_message_id, raw, created_at, updated_at)
      select v.id, v.channel_id, case when k % 2 = 0 then 'inbound' else 'outbound' end::direction, 'text',
        'Hello, my order ' || k || ' has not arrived yet, could you check the delivery status please', 'delivered',
        'SMH' || md5(v.id::text || k), ${JSON.stringify({ ApiVersion: '2010-04-01', MessageType: 'text', NumMedia: '0', SmsStatus: 'received' })}::jsonb,
        now() - interval '2 days', now() - interval '2 days'
      from v, generate_series(1, 10) k`);
    await db.execute(sql`vacuum analyze`);
    console.log(`database seeded with ${HISTORY} earlier messages in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const supervisorTokens: string[] = [];
    for (let s = 0; s < SUPERVISORS; s++) {
      const u = await insertUser(db, { email: `s${s}@bench.test`, name: `Supervisor ${s}`, role: 'supervisor', passwordHash });
      supervisorTokens.push(await tokenFor(u.id));
    }

    // 100 agents + 5 supervisors. Latency is taken at the first agent of each message's queue.
    const probes: Socket[] = [];
    for (const tokens of agentTokens) {
      const probe = await connect(server.url, tokens[0]!);
      probes.push(probe);
      sockets.push(probe, ...(await Promise.all(tokens.slice(1).map((t) => LeanSocket.connect(server.url, t)))));
    }
    sockets.push(...(await Promise.all(supervisorTokens.map((t) => LeanSocket.connect(server.url, t)))));
    console.log(`connected ${sockets.length} sockets (100 agents, 5 supervisors) in ${((Date.now() - started) / 1000).toFixed(1)} s since start`);

    // What each posted message is, for the figures: a customer's first message opens a chat that is
    // offered to its queue's 10 agents (two events, a recount); the others go into open chats.
    type Kind = 'steady-new' | 'steady-open' | 'burst';
    const sentAt = new Map<string, { at: number; kind: Kind }>();
    const latencies: Record<Kind, number[]> = { 'steady-new': [], 'steady-open': [], burst: [] };
    for (const p of probes) {
      p.on('message.created', (e: { message: { body: string } }) => {
        const sent = sentAt.get(e.message.body);
        if (sent === undefined) return;
        latencies[sent.kind].push(performance.now() - sent.at);
        sentAt.delete(e.message.body);
      });
    }

    const failures = new Map<string, number>();
    let inflight: Promise<void>[] = [];
    const postLatencies: number[] = [];
    // Twilio's side: keep-alive connections with request bytes written directly (lean-http.ts).
    const host = new URL(server.url).host;
    const webhooks = new LeanAgent(Number(new URL(server.url).port), 64);
    /** Posts one customer message; `kind` undefined: warm-up, not measured. */
    const post = (customer: number, body: string, queue: number, kind?: Kind) => {
      const { channel, authToken } = channels[queue % QUEUES]!;
      const from = `+1415${String(2_000_000 + customer).padStart(7, '0')}`;
      const sid = 'SM' + randomBytes(16).toString('hex');
      const path = `/api/webhooks/twilio/${channel.id}`;
      const params = {
        MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, AccountSid: channel.accountSid!, From: `whatsapp:${from}`,
        To: `whatsapp:${channel.phoneNumber}`, Body: body, NumMedia: '0', ProfileName: 'Bench', WaId: from.slice(1),
        MessageType: 'text', SmsStatus: 'received', ApiVersion: '2010-04-01', NumSegments: '1',
      };
      const form = signedForm(server.url + path, authToken, params);
      const raw = renderPost(host, path, { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': form.signature }, form.body);
      const postedAt = performance.now();
      if (kind) sentAt.set(body, { at: postedAt, kind });
      inflight.push(
        webhooks.post({ raw }).then(
          (status) => {
            if (kind !== 'steady-new' && kind !== 'steady-open') return;
            postLatencies.push(performance.now() - postedAt);
            if (status !== 200) failures.set(`HTTP ${status}`, (failures.get(`HTTP ${status}`) ?? 0) + 1);
          },
          (err: Error) => void (kind && failures.set(err.message, (failures.get(err.message) ?? 0) + 1)),
        ),
      );
    };
    /** Calls send(i) for i < count at RATE/s, then waits for every posted webhook's answer. */
    const paced = async (count: number, send: (i: number) => void) => {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const wait = t0 + (i * 1000) / RATE - performance.now();
        if (wait > 1) await sleep(wait);
        send(i);
      }
      await Promise.all(inflight);
      inflight = [];
    };
    // Customers 0..OPEN_CHATS-1 have open chats (opened in the warm-up); new customers count up from
    // NEW_FROM, burst customers from BURST_FROM.
    const NEW_FROM = 100_000;
    const BURST_FROM = 200_000;
    const newEvery = NEW_SHARE > 0 ? Math.round(1 / NEW_SHARE) : 0;

    // Warm-up, not measured: the freshly started server's first seconds (JIT, database connections,
    // plan caches), which also open the OPEN_CHATS chats the measured messages mostly go to.
    const warmCount = Math.max(OPEN_CHATS, Math.round(RATE * WARM_SECONDS));
    await paced(warmCount, (i) => post(i % OPEN_CHATS, `warm ${i}`, i % OPEN_CHATS));
    await sleep(500);

    const total = RATE * SECONDS;
    const cpu0 = { server: server.cpuMs(), pg: postgresCpuMs(), client: process.cpuUsage() };
    const t0 = performance.now();
    let fresh = 0;
    await paced(total, (i) => {
      if (newEvery && i % newEvery === 0) {
        const customer = NEW_FROM + fresh++;
        return post(customer, `bench ${i}`, customer, 'steady-new');
      }
      post(i % OPEN_CHATS, `bench ${i}`, i % OPEN_CHATS, 'steady-open');
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(cpu0.client);
    const pgCpu = postgresCpuMs();
    const share = (ms: number | undefined) => (ms === undefined ? '?' : `${(ms / sendSeconds / 10).toFixed(0)}%`);
    const cpuNote =
      `CPU (share of one core): server ${share(server.cpuMs() - cpu0.server)}, Postgres ${share(pgCpu === undefined || cpu0.pg === undefined ? undefined : pgCpu - cpu0.pg)}, ` +
      `this load generator with its 105 sockets ${share((clientCpu.user + clientCpu.system) / 1000)} (2 cores in all)`;
    const drain = async () => {
      const until = Date.now() + 5000;
      while (sentAt.size && Date.now() < until) await sleep(50);
    };
    await drain();
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    if (failed) console.log(`failed webhooks: ${[...failures].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    const lost = [...sentAt.values()].filter((v) => v.kind !== 'burst').length;
    const line = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `p50 ${pct(sorted, 50).toFixed(1)} ms   p90 ${pct(sorted, 90).toFixed(1)} ms   p99 ${pct(sorted, 99).toFixed(1)} ms   max ${sorted.at(-1)!.toFixed(1)} ms (${sorted.length})`;
    };
    console.log(
      `\nwebhook → agent socket at ${RATE} msg/s for ${SECONDS} s (${total} messages sent in ${sendSeconds.toFixed(1)} s, ${failed} failed, ${lost} never arrived);`,
    );
    console.log(`${newEvery ? `1 in ${newEvery}` : 'none'} of them a new customer's first message, the others into ${OPEN_CHATS} open chats:`);
    console.log(`  ${cpuNote}`);
    if (postLatencies.length) console.log(`  webhook answered (message committed): ${line(postLatencies)}`);
    const steady = [...latencies['steady-new'], ...latencies['steady-open']];
    if (steady.length) {
      console.log(`  reached the agent's socket: ${line(steady)}`);
      if (latencies['steady-new'].length) console.log(`    first messages (open a chat, offered to 10 agents): ${line(latencies['steady-new'])}`);
      if (latencies['steady-open'].length) console.log(`    messages into open chats:                        ${line(latencies['steady-open'])}`);
    }

    // A burst: BURST customers write for the first time, back to back at RATE/s (every message opens
    // and offers a chat: about twice the server's work of a message into an open chat).
    if (BURST > 0) {
      await sleep(500);
      await paced(BURST, (i) => post(BURST_FROM + i, `burst ${i}`, i, 'burst'));
      await drain();
      if (latencies.burst.length) {
        console.log(`\na burst of ${BURST} new customers at ${RATE}/s (every message opens a chat):`);
        console.log(`  reached the agent's socket: ${line(latencies.burst)}`);
      }
    }
    webhooks.destroy();

    // Fan-out: supervisors' sockets up to FANOUT in all, then one message reaches every one of them.
    const extra = FANOUT - SUPERVISORS;
    const fanSockets: Conn[] = [];
    for (let i = 0; i < extra; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, extra - i) }, (_, k) => LeanSocket.connect(server.url, supervisorTokens[(i + k) % SUPERVISORS]!)),
      );
      fanSockets.push(...batch);
    }
    sockets.push(...fanSockets);
    const audience = [...sockets.slice(-FANOUT)];
    console.log(`\nfan-out to ${audience.length} sockets (all in the supervisors room):`);
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const body = `fanout ${run}`;
      let got = 0;
      const done = new Promise<number>((resolve) => {
        for (const s of audience) {
          const h = (e: { message: { body: string } }) => {
            if (e.message.body !== body) return;
            s.off('message.created', h);
            if (++got === audience.length) resolve(performance.now());
          };
          s.on('message.created', h);
        }
      });
      const { channel, authToken } = channels[0]!;
      const sid = 'SM' + randomBytes(16).toString('hex');
      const path = `/api/webhooks/twilio/${channel.id}`;
      const params = {
        MessageSid: sid, AccountSid: channel.accountSid!, From: 'whatsapp:+14153999999', To: `whatsapp:${channel.phoneNumber}`,
        Body: body, NumMedia: '0', WaId: '14153999999',
      };
      const form = signedForm(server.url + path, authToken, params);
      let first = 0;
      for (const s of audience.slice(0, 1)) s.once('message.created', () => (first = performance.now()));
      const t = performance.now();
      await fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': form.signature },
        body: form.body,
      }).then((r) => r.arrayBuffer());
      const end = await Promise.race([done, sleep(10_000).then(() => NaN)]);
      runs.push(end - first);
      console.log(`  run ${run + 1}: webhook → last of ${audience.length} sockets ${(end - t).toFixed(1)} ms (first → last socket ${(end - first).toFixed(1)} ms)`);
      await sleep(200);
    }
    const ok = runs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    if (ok.length) console.log(`  median first → last socket spread ${pct(ok, 50).toFixed(1)} ms`);
    console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (process.env.BENCH_DEBUG) {
      const sql = database.handle.sql!;
      console.log(await sql`select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_fetched, tup_returned from pg_stat_database where datname = current_database()`);
      console.log(await sql`select relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where seq_scan + coalesce(idx_scan,0) > 100 order by seq_tup_read desc limit 12`);
    }
  } finally {
    for (const s of sockets) s.disconnect();
    await server.stop();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
