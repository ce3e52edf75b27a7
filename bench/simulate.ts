/**
 * Drives many simulated WhatsApp customers against a running Parley, through the same signed Twilio
 * webhooks the simulator (and Twilio) use:
 *
 *   npm run simulate -- --channel <id> --customers 50 --rate 20 --duration 60 [--url http://localhost:3000]
 *
 * The channel's auth token comes from GET /api/simulator/channels/{id}/credentials, which exists only
 * while the simulator is enabled and only for simulator channels. In embedded (demo) mode it needs no
 * login; otherwise pass an admin or supervisor API token with --token or PARLEY_TOKEN.
 */
import { parseArgs } from 'node:util';
import { buildInboundParams, postSignedWebhook } from '../lib/simulator/webhook-params';
import { newSid } from '../lib/simulator/sids';

type Credentials = { channelId: string; accountSid: string; authToken: string; phoneNumber: string; webhookUrl: string };

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.PARLEY_URL ?? 'http://localhost:3000' },
    channel: { type: 'string' },
    customers: { type: 'string', default: '10' },
    rate: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
    token: { type: 'string', default: process.env.PARLEY_TOKEN },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function usage(problem?: string): never {
  if (problem) console.error(`simulate: ${problem}\n`);
  console.error(
    'usage: npm run simulate -- --channel <id> [--customers 50] [--rate 20] [--duration 60] [--url http://localhost:3000] [--token <api token>] [--json]',
  );
  process.exit(problem ? 2 : 0);
}

const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) usage(`--${name} must be a positive number`);
  return n;
};

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(base + path, { headers: args.token ? { authorization: `Bearer ${args.token}` } : {} });
  if (!res.ok) {
    const text = await res.text();
    throw new Error(`${path} answered ${res.status}: ${text.slice(0, 200)}${res.status === 401 ? ' (pass --token)' : ''}`);
  }
  return (await res.json()) as T;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  if (args.help) usage();
  const base = args.url!.replace(/\/+$/, '');
  const customers = Math.floor(positive('customers', args.customers));
  const rate = positive('rate', args.rate);
  const duration = positive('duration', args.duration);
  const concurrency = Math.floor(positive('concurrency', args.concurrency));

  let channelId = args.channel;
  if (!channelId) {
    const { items } = await api<{ items: { id: string; name: string }[] }>(base, '/api/simulator/channels');
    if (!items.length) throw new Error('no simulator channel: create one, or start Parley in embedded mode with the demo');
    channelId = items[0]!.id;
    if (!args.json) console.log(`No --channel given: using "${items[0]!.name}" (${channelId})`);
  }
  const creds = await api<Credentials>(base, `/api/simulator/channels/${channelId}/credentials`);
  // Twilio signs the URL it was configured with (PUBLIC_URL); we post it to --url, which may be internal.
  const signedUrl = creds.webhookUrl;
  const postUrl = base + new URL(signedUrl).pathname;

  const phones = Array.from({ length: customers }, (_, i) => `+1555${String(2_000_000 + i).padStart(7, '0')}`);
  const stats = { sent: 0, acknowledged: 0, failed: 0, latencies: [] as number[], errors: new Map<string, number>() };
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const sendOne = async (n: number) => {
    const phone = phones[n % phones.length]!;
    const params = buildInboundParams({
      accountSid: creds.accountSid,
      channelNumber: creds.phoneNumber,
      customerPhone: phone,
      profileName: `Load customer ${(n % phones.length) + 1}`,
      messageSid: newSid('SM'),
      body: `Load test message ${n + 1} 🚀`,
    });
    const started = performance.now();
    stats.sent++;
    inFlight++;
    try {
      const res = await fetchSigned(params);
      await res.arrayBuffer();
      if (res.ok) {
        stats.acknowledged++;
        stats.latencies.push(performance.now() - started);
      } else {
        stats.failed++;
        const key = `HTTP ${res.status}`;
        stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
      }
    } catch (err) {
      stats.failed++;
      const key = (err as Error).name === 'TimeoutError' ? 'timeout' : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
    } finally {
      inFlight--;
    }
  };
  const fetchSigned = (params: Record<string, string>) =>
    postSignedWebhook({ url: signedUrl, postTo: postUrl, authToken: creds.authToken, params });

  if (!args.json) {
    console.log(`Simulating ${customers} customers → ${postUrl}, ${rate} msg/s for ${duration} s (at most ${concurrency} in flight)`);
  }
  const start = performance.now();
  const total = Math.floor(rate * duration);
  let skipped = 0;
  const progress = args.json
    ? undefined
    : setInterval(() => {
        const s = ((performance.now() - start) / 1000).toFixed(0);
        console.log(`  ${s}s  sent ${stats.sent}  acknowledged ${stats.acknowledged}  failed ${stats.failed}  in flight ${inFlight}`);
      }, 5000);
  for (let n = 0; n < total; n++) {
    // Open-loop schedule: message n is due at n/rate seconds, however slow earlier answers are.
    const due = start + (n / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= concurrency) {
      skipped++;
      continue;
    }
    const p = sendOne(n).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  if (progress) clearInterval(progress);
  const elapsed = (performance.now() - start) / 1000;
  const sorted = stats.latencies.sort((a, b) => a - b);
  const summary = {
    channelId,
    customers,
    seconds: Number(elapsed.toFixed(2)),
    sent: stats.sent,
    acknowledged: stats.acknowledged,
    failed: stats.failed,
    notSentOverConcurrency: skipped,
    perSecond: Number((stats.acknowledged / elapsed).toFixed(1)),
    latencyMs: { p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)) },
    errors: Object.fromEntries(stats.errors),
  };
  if (args.json) console.log(JSON.stringify(summary));
  else {
    console.log(`\nDone in ${summary.seconds} s: sent ${summary.sent}, acknowledged ${summary.acknowledged}, failed ${summary.failed}` + (skipped ? `, not sent (over --concurrency) ${skipped}` : ''));
    console.log(`  ${summary.perSecond} acknowledged/s, latency p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms`);
    for (const [k, v] of stats.errors) console.log(`  ${v} × ${k}`);
  }
  process.exit(stats.failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(`simulate: ${(err as Error).message}`);
  process.exit(2);
});
