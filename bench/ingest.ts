/**
 * Inbound webhook throughput: signed Twilio webhooks at rising concurrency against Parley on real
 * Postgres, next to the raw single-row insert rate of the same database, measured in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ingest
 *
 * The server is the production server (`server.ts` after `next build`, NODE_ENV=production: Next.js,
 * Socket.IO, routing and pg-boss workers) in a child process, so the load generator does not share
 * its event loop; it runs on a fresh database that is dropped afterwards. Builds first if there is
 * no build. Bounded: about 45 s plus the build. Knobs: BENCH_SECONDS (per step), BENCH_STEPS
 * (1,4,16,64,256), BENCH_RATE (fixed-rate step, messages/s), BENCH_CONTACTS (200).
 */
import { createHmac, randomBytes } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { insertChannel } from '@/db/queries/channels';
import { insertQueue } from '@/db/queries/queues';
import { encryptSecret } from '@/lib/crypto';
import { createTestDatabase } from '../tests/helpers/db';
import { LeanAgent, renderPost } from './lib/lean-http';
import { postgresCpuMs } from './lib/cpu';
import { startProductionServer } from './lib/production-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const STEPS = (process.env.BENCH_STEPS ?? '1,4,16,64,256').split(',').map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 200);


type Served = { url: string; channelId: string; authToken: string; accountSid: string; phoneNumber: string; databaseUrl: string };

function sign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}

type Prepared = { raw: Buffer };

const phoneOf = (n: number) => `+1415${String(3_000_000 + n).padStart(7, '0')}`;

function prepare(s: Served, count: number, phones?: string[]): Prepared[] {
  const path = `/api/webhooks/twilio/${s.channelId}`;
  const out: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const phone = phones?.[i] ?? phoneOf(Math.floor(Math.random() * CONTACTS));
    const sid = 'SM' + randomBytes(16).toString('hex');
    const params: Record<string, string> = {
      SmsMessageSid: sid,
      NumMedia: '0',
      ProfileName: 'Bench Customer',
      MessageType: 'text',
      SmsSid: sid,
      WaId: phone.slice(1),
      SmsStatus: 'received',
      Body: `Hello, this is message ${i} 👋`,
      To: `whatsapp:${s.phoneNumber}`,
      NumSegments: '1',
      ReferralNumMedia: '0',
      MessageSid: sid,
      AccountSid: s.accountSid,
      From: `whatsapp:${phone}`,
      ApiVersion: '2010-04-01',
    };
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sign(s.authToken, s.url + path, params) };
    out.push({ raw: renderPost(new URL(s.url).host, path, headers, new URLSearchParams(params).toString()) });
  }
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number) => n.toFixed(1).padStart(7);

type StepResult = { label: string; ok: number; errors: number; seconds: number; lat: number[]; cpuMs?: number; pgCpuMs?: number; clientCpuMs?: number };

const per = (ms: number | undefined, n: number) => (ms === undefined ? '?' : (ms / Math.max(1, n)).toFixed(2));


function report(r: StepResult): void {
  const lat = [...r.lat].sort((a, b) => a - b);
  console.log(
    `${r.label.padEnd(28)} ${String(Math.round(r.ok / r.seconds)).padStart(6)} msg/s   p50 ${fmt(pct(lat, 50))} ms   p99 ${fmt(pct(lat, 99))} ms   max ${fmt(lat.at(-1) ?? NaN)} ms` +
      (r.cpuMs !== undefined
        ? `   CPU ms/msg: server ${per(r.cpuMs, r.ok)} postgres ${per(r.pgCpuMs, r.ok)} load generator ${per(r.clientCpuMs, r.ok)}`
        : '') +
      (r.errors ? `   errors ${r.errors}` : ''),
  );
}

/**
 * Closed loop: `concurrency` clients, each sending its next webhook as soon as the last is answered,
 * until `seconds` are up or `take` has nothing more to send.
 */
async function closedLoop(s: Served, label: string, concurrency: number, seconds: number, take: () => Prepared | undefined): Promise<StepResult> {
  const agent = new LeanAgent(Number(new URL(s.url).port), concurrency);
  let ok = 0;
  let errors = 0;
  const lat: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let p = take(); p && performance.now() < end; p = take()) {
        const t = performance.now();
        const status = await agent.post(p).catch(() => 0);
        lat.push(performance.now() - t);
        if (status === 200) ok++;
        else errors++;
      }
    }),
  );
  agent.destroy();
  return { label, ok, errors, seconds: (performance.now() - start) / 1000, lat };
}

/** One message from each of CONTACTS customers: every one opens a conversation (and routing places it). */
function newConversations(s: Served, concurrency: number, seconds: number): Promise<StepResult> {
  const pool = prepare(s, CONTACTS, Array.from({ length: CONTACTS }, (_, i) => phoneOf(i)));
  return closedLoop(s, `new conversations (c=${concurrency})`, concurrency, seconds, () => pool.shift());
}

/** Messages into the open conversations, signed ahead of time; more are signed if the pool runs out. */
function openConversations(s: Served, concurrency: number, seconds: number): Promise<StepResult> {
  const pool = prepare(s, Math.max(2000, concurrency * 400));
  return closedLoop(s, `concurrency ${concurrency}`, concurrency, seconds, () => pool.pop() ?? prepare(s, 1)[0]);
}

/** Open loop: webhooks at a fixed rate (as Twilio would send them), whatever the latency. */
async function fixedRate(s: Served, rate: number, seconds: number): Promise<StepResult> {
  const agent = new LeanAgent(Number(new URL(s.url).port), 256);
  const total = Math.round(rate * seconds);
  const pool = prepare(s, total);
  let ok = 0;
  let errors = 0;
  const lat: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  const tickMs = 5;
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const t = performance.now();
      inflight.push(
        agent.post(pool[sent]!)
          .then((status) => {
            lat.push(performance.now() - t);
            if (status === 200) ok++;
            else errors++;
          })
          .catch(() => void errors++),
      );
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const sentFor = (performance.now() - start) / 1000;
  // Bounded: whatever is still unanswered 5 s after the last send counts as an error.
  const drained = await Promise.race([Promise.all(inflight).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  agent.destroy();
  if (!drained) errors += total - ok - errors;
  return { label: `fixed ${rate}/s`, ok, errors, seconds: Math.max(sentFor, (performance.now() - start) / 1000), lat };
}

/** The database alone: single-row autocommit INSERTs of a message-sized row, same concurrency as the busiest step. */
async function rawInserts(databaseUrl: string, concurrency: number, seconds: number): Promise<StepResult> {
  const sql = postgres(databaseUrl, { max: 10, onnotice: () => {} });
  await sql`create table if not exists bench_raw (id bigint generated always as identity primary key, channel_id uuid not null, provider_id text not null, body text, raw jsonb, created_at timestamptz not null default now(), unique (channel_id, provider_id))`;
  const channel = '00000000-0000-4000-8000-000000000000';
  const raw = { Body: 'Hello', From: 'whatsapp:+14155550100', ProfileName: 'Bench', NumMedia: '0' };
  let ok = 0;
  let errors = 0;
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await sql`insert into bench_raw (channel_id, provider_id, body, raw) values (${channel}, ${randomBytes(16).toString('hex')}, ${'Hello 👋'}, ${sql.json(raw)})`;
          ok++;
        } catch {
          errors++;
        }
        lat.push(performance.now() - t);
      }
    }),
  );
  const result = { label: `raw INSERT (c=${concurrency})`, ok, errors, seconds: (performance.now() - start) / 1000, lat };
  await sql`drop table bench_raw`;
  await sql.end();
  return result;
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    console.error('bench:ingest needs Postgres: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ingest');
    process.exit(2);
  }
  const database = await createTestDatabase({ driver: 'postgres' });
  const encryptionKey = randomBytes(32).toString('hex');
  let server: Awaited<ReturnType<typeof startProductionServer>> | undefined;
  try {
    server = await startProductionServer({
      DATABASE_URL: database.url!,
      AUTH_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: encryptionKey,
    });
    const authToken = randomBytes(16).toString('hex');
    const accountSid = 'AC' + randomBytes(16).toString('hex');
    const db = database.handle.db;
    const queue = await insertQueue(db, { name: 'Bench' });
    const channel = await insertChannel(db, {
      name: 'WhatsApp bench',
      provider: 'twilio',
      phoneNumber: '+14155550000',
      accountSid,
      authTokenEncrypted: encryptSecret(authToken, encryptionKey),
      queueId: queue.id,
    });
    const served: Served = { url: server.url, channelId: channel.id, authToken, accountSid, phoneNumber: channel.phoneNumber, databaseUrl: database.url! };
    const srv = server;
    const measured = async (step: () => Promise<StepResult>) => {
      const before = { server: srv.cpuMs(), pg: postgresCpuMs(), client: process.cpuUsage() };
      const r = await step();
      const pg = postgresCpuMs();
      const client = process.cpuUsage(before.client);
      return {
        ...r,
        cpuMs: srv.cpuMs() - before.server,
        pgCpuMs: pg !== undefined && before.pg !== undefined ? pg - before.pg : undefined,
        clientCpuMs: (client.user + client.system) / 1000,
      };
    };
    console.log(`Parley ingest benchmark: production server (server.ts, NODE_ENV=production) at ${served.url}, Postgres ${new URL(served.databaseUrl).host}`);
    console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine skews every figure; this load generator shares the cores)`);
    console.log(`${CONTACTS} customers; ${STEPS.length} closed-loop steps of ${SECONDS}s, a fixed ${RATE}/s step, raw inserts\n`);
    // Warm-up (route compilation, JIT, pools), then each customer's first message: a new conversation.
    await openConversations(served, 2, 1);
    report(await measured(() => newConversations(served, 8, SECONDS)));
    console.log('then messages in those open conversations:');
    for (const c of STEPS) report(await measured(() => openConversations(served, c, SECONDS)));
    report(await measured(() => fixedRate(served, RATE, SECONDS)));
    report(await rawInserts(served.databaseUrl, Math.max(...STEPS), 3));
    const sql = postgres(served.databaseUrl, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ messages: number; conversations: number }[]>`select (select count(*)::int from messages) as messages, (select count(*)::int from conversations) as conversations`;
    console.log(`\nstored: ${row!.messages} messages in ${row!.conversations} conversations`);
    await sql.end();
  } finally {
    await server?.stop();
    await database.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
