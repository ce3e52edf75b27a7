/**
 * Inbound webhook throughput: signed Twilio webhooks at rising concurrency against Parley on real
 * Postgres, next to the raw single-row insert rate of the same database, measured in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ingest
 *
 * The server runs in a child process (so the load generator does not share its event loop): the
 * test harness's app (tests/helpers/app.ts: every app/** route handler behind a plain node:http
 * server, with Socket.IO, routing listeners and pg-boss workers) on a fresh database that is dropped
 * afterwards. Bounded: about 40 s in all. Knobs: BENCH_SECONDS (per step), BENCH_STEPS (1,4,16,64),
 * BENCH_RATE (fixed-rate step, messages/s).
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import readline from 'node:readline';
import postgres from 'postgres';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const STEPS = (process.env.BENCH_STEPS ?? '1,4,16,64').split(',').map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 200);

type Served = { url: string; channelId: string; authToken: string; accountSid: string; phoneNumber: string; databaseUrl: string };

async function serve(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  const { startTestApp } = await import('../tests/helpers/app');
  const { createTwilioChannel } = await import('../tests/helpers/twilio');
  const app = await startTestApp({ driver: 'postgres' });
  const ch = await createTwilioChannel(app);
  const served: Served = {
    url: app.url,
    channelId: ch.channel.id,
    authToken: ch.authToken,
    accountSid: ch.accountSid,
    phoneNumber: ch.channel.phoneNumber,
    databaseUrl: app.database.url!,
  };
  process.stdout.write(`READY ${JSON.stringify(served)}\n`);
  // "cpu" on stdin: report this process's CPU time. The parent closes stdin when it is done: drop
  // the bench database and leave.
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'cpu') process.stdout.write(`CPU ${JSON.stringify(process.cpuUsage())}\n`);
  });
  process.stdin.on('end', () => {
    void app.close().finally(() => process.exit(0));
  });
}

function sign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}

type Prepared = { body: string; signature: string };

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
    out.push({ body: new URLSearchParams(params).toString(), signature: sign(s.authToken, s.url + path, params) });
  }
  return out;
}

function post(agent: http.Agent, s: Served, p: Prepared): Promise<number> {
  const u = new URL(`${s.url}/api/webhooks/twilio/${s.channelId}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(p.body),
          'x-twilio-signature': p.signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(p.body);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (n: number) => n.toFixed(1).padStart(7);

type StepResult = { label: string; ok: number; errors: number; seconds: number; lat: number[]; cpuMs?: number };

function report(r: StepResult): void {
  const lat = [...r.lat].sort((a, b) => a - b);
  console.log(
    `${r.label.padEnd(28)} ${String(Math.round(r.ok / r.seconds)).padStart(6)} msg/s   p50 ${fmt(pct(lat, 50))} ms   p99 ${fmt(pct(lat, 99))} ms   max ${fmt(lat.at(-1) ?? NaN)} ms` +
      (r.cpuMs !== undefined ? `   server CPU ${(r.cpuMs / Math.max(1, r.ok)).toFixed(2)} ms/msg` : '') +
      (r.errors ? `   errors ${r.errors}` : ''),
  );
}

/** One message from each of CONTACTS customers: every one opens a conversation (and routing places it). */
async function newConversations(s: Served, concurrency: number, seconds: number): Promise<StepResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const pool = prepare(s, CONTACTS, Array.from({ length: CONTACTS }, (_, i) => phoneOf(i)));
  let next = 0;
  let ok = 0;
  let errors = 0;
  const lat: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pool.length && performance.now() < end) {
        const p = pool[next++]!;
        const t = performance.now();
        const status = await post(agent, s, p).catch(() => 0);
        lat.push(performance.now() - t);
        if (status === 200) ok++;
        else errors++;
      }
    }),
  );
  agent.destroy();
  return { label: `new conversations (c=${concurrency})`, ok, errors, seconds: (performance.now() - start) / 1000, lat };
}

/** Closed loop: `concurrency` clients, each sending its next webhook as soon as the last is answered. */
async function closedLoop(s: Served, concurrency: number, seconds: number): Promise<StepResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const pool = prepare(s, Math.max(2000, concurrency * 400));
  let next = 0;
  let ok = 0;
  let errors = 0;
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const p = pool[next++ % pool.length]!;
        if (next > pool.length) pool[(next - 1) % pool.length] = prepare(s, 1)[0]!;
        const t = performance.now();
        const status = await post(agent, s, p).catch(() => 0);
        lat.push(performance.now() - t);
        if (status === 200) ok++;
        else errors++;
      }
    }),
  );
  agent.destroy();
  return { label: `concurrency ${concurrency}`, ok, errors, seconds: (performance.now() - start) / 1000, lat };
}

/** Open loop: webhooks at a fixed rate (as Twilio would send them), whatever the latency. */
async function fixedRate(s: Served, rate: number, seconds: number): Promise<StepResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
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
        post(agent, s, pool[sent]!)
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
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', new URL(import.meta.url).pathname, '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  let onCpu: ((ms: number) => void) | undefined;
  let closing = false;
  const served = await new Promise<Served>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as Served);
      else if (line.startsWith('CPU ')) {
        const u = JSON.parse(line.slice(4)) as { user: number; system: number };
        onCpu?.((u.user + u.system) / 1000);
      } else if (!closing) console.log(`[server] ${line}`);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const serverCpu = () =>
    new Promise<number>((resolve) => {
      onCpu = resolve;
      child.stdin!.write('cpu\n');
    });
  const measured = async (step: () => Promise<StepResult>) => {
    const before = await serverCpu();
    const r = await step();
    return { ...r, cpuMs: (await serverCpu()) - before };
  };
  try {
    console.log(`Parley ingest benchmark: server ${served.url} (route-dispatcher harness, NODE_ENV=production), Postgres ${new URL(served.databaseUrl).host}`);
    console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine skews every figure)`);
    console.log(`${CONTACTS} customers; ${STEPS.length} closed-loop steps of ${SECONDS}s, a fixed ${RATE}/s step, raw inserts\n`);
    // Warm-up (module loading, JIT, pools), then each customer's first message: a new conversation.
    await closedLoop(served, 2, 1);
    report(await measured(() => newConversations(served, 8, SECONDS)));
    console.log('then messages in those open conversations:');
    for (const c of STEPS) report(await measured(() => closedLoop(served, c, SECONDS)));
    report(await measured(() => fixedRate(served, RATE, SECONDS)));
    report(await rawInserts(served.databaseUrl, Math.max(...STEPS), 3));
    const sql = postgres(served.databaseUrl, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ messages: number; conversations: number }[]>`select (select count(*)::int from messages) as messages, (select count(*)::int from conversations) as conversations`;
    console.log(`\nstored: ${row!.messages} messages in ${row!.conversations} conversations`);
    await sql.end();
  } finally {
    closing = true;
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
  }
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
