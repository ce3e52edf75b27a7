/**
 * Realtime delivery: webhook-to-agent-socket latency at a fixed message rate with 100 agents and
 * 5 supervisors connected, then the time for one event to reach 1,000 connected sockets.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:realtime
 *
 * The production server (server.ts after `next build`, NODE_ENV=production; builds first if needed)
 * runs in a child process on a fresh database that is dropped afterwards; this process signs and posts
 * Twilio webhooks and holds the sockets. 100 agents in 10 offer_all queues of 10 (one channel each),
 * so each message reaches its queue's 10 agents and the 5 supervisors. Bounded: about 60 s.
 * Knobs: BENCH_RATE (messages/s, 200), BENCH_SECONDS (10), BENCH_FANOUT (1000), REDIS_URL (optional),
 * BENCH_DEBUG=1 (prints the database's transaction and per-table scan counts at the end).
 */
import { createHmac, randomBytes } from 'node:crypto';
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
import { startProductionServer } from './lib/production-server';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FANOUT = Number(process.env.BENCH_FANOUT ?? 1000);
const QUEUES = 10;
const PHONES = 500;
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

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const firstLat: number[] = []; // a customer's first message: opens a chat, offered to 10 agents
    const laterLat: number[] = []; // messages into open chats
    for (const p of probes) {
      p.on('message.created', (e: { message: { body: string } }) => {
        const t = sentAt.get(e.message.body);
        if (t !== undefined) {
          const ms = performance.now() - t;
          latencies.push(ms);
          (Number(e.message.body.slice(6)) < PHONES ? firstLat : laterLat).push(ms);
          sentAt.delete(e.message.body);
        }
      });
    }

    const total = RATE * SECONDS;
    const phones = PHONES; // new conversations first, then messages into open ones
    const failures = new Map<string, number>();
    let inflight: Promise<void>[] = [];
    const postLatencies: number[] = [];
    // Twilio's side: keep-alive connections with request bytes written directly (lean-http.ts).
    const host = new URL(server.url).host;
    const webhooks = new LeanAgent(Number(new URL(server.url).port), 64);
    const post = (i: number, warm: boolean) => {
      const { channel, authToken } = channels[i % QUEUES]!;
      const from = `+1415${String((warm ? 3_000_000 : 2_000_000) + (i % phones)).padStart(7, '0')}`;
      const body = `${warm ? 'warm' : 'bench'} ${i}`;
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
      if (!warm) sentAt.set(body, postedAt);
      inflight.push(
        webhooks.post({ raw }).then(
          (status) => {
            if (!warm) postLatencies.push(performance.now() - postedAt);
            if (status !== 200 && !warm) failures.set(`HTTP ${status}`, (failures.get(`HTTP ${status}`) ?? 0) + 1);
          },
          (err: Error) => void (warm || failures.set(err.message, (failures.get(err.message) ?? 0) + 1)),
        ),
      );
    };
    // Warm-up, not measured: the freshly started server's first second (JIT, database connections,
    // plan caches) with other customers, at the same rate.
    const warmCount = Math.round(RATE * 1.5);
    const w0 = performance.now();
    for (let i = 0; i < warmCount; i++) {
      const wait = w0 + (i * 1000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      post(i, true);
    }
    await Promise.all(inflight);
    inflight = [];
    await sleep(500);

    const cpu0 = { server: server.cpuMs(), client: process.cpuUsage() };
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      post(i, false);
    }
    await Promise.all(inflight);
    webhooks.destroy();
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    if (failed) console.log(`failed webhooks: ${[...failures].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    const sendSeconds = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(cpu0.client);
    const cpuNote = `CPU: server ${((server.cpuMs() - cpu0.server) / sendSeconds / 10).toFixed(0)}% of a core, this load generator with its 105 sockets ${((clientCpu.user + clientCpu.system) / 1000 / sendSeconds / 10).toFixed(0)}%`;
    const drainUntil = Date.now() + 5000;
    while (sentAt.size && Date.now() < drainUntil) await sleep(50);
    latencies.sort((a, b) => a - b);
    console.log(
      `\nwebhook → agent socket at ${RATE} msg/s for ${SECONDS} s (${total} messages sent in ${sendSeconds.toFixed(1)} s, ${failed} failed, ${sentAt.size} never arrived):`,
    );
    console.log(`  ${cpuNote}`);
    postLatencies.sort((a, b) => a - b);
    if (postLatencies.length) {
      console.log(
        `  webhook answered (message committed): p50 ${pct(postLatencies, 50).toFixed(1)} ms   p99 ${pct(postLatencies, 99).toFixed(1)} ms`,
      );
    }
    if (latencies.length) {
      console.log(
        `  reached the agent's socket:`,
      );
      console.log(
        `  p50 ${pct(latencies, 50).toFixed(1)} ms   p90 ${pct(latencies, 90).toFixed(1)} ms   p99 ${pct(latencies, 99).toFixed(1)} ms   max ${latencies.at(-1)!.toFixed(1)} ms`,
      );
      for (const [label, xs] of [
        [`first message of ${PHONES} new customers (opens and offers a chat)`, firstLat],
        ['messages into open chats', laterLat],
      ] as const) {
        const sorted = [...xs].sort((a, b) => a - b);
        if (sorted.length) console.log(`    ${label}: p50 ${pct(sorted, 50).toFixed(1)} ms   p99 ${pct(sorted, 99).toFixed(1)} ms (${sorted.length})`);
      }
    }

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
