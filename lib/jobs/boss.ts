import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import { sqlExecutor, type Db, type DbHandle } from '@/db/client';
import { logger } from '@/lib/logger';

export type JobDefinition<T extends object = object> = {
  name: string;
  /** Queue options: retries, backoff, expiry. */
  queue?: { retryLimit?: number; retryDelay?: number; retryBackoff?: boolean; expireInSeconds?: number };
  /** Jobs of this name run at most this many at once per process. */
  concurrency?: number;
  /** Also run on this cron schedule (UTC), once across all processes (pg-boss's scheduler). */
  cron?: string;
  handler: (data: T, job: { id: string; retryCount: number }) => Promise<void>;
};

/**
 * Work a process does on its own every `intervalMs` (and once at start) while it runs jobs: finding
 * work that a dead process or a lost job left behind. Runs once at a time; errors are logged.
 */
export type TickerDefinition = { name: string; intervalMs: number; run: () => Promise<void> };

const g = globalThis as unknown as {
  __parleyBoss?: PgBoss;
  __parleyJobs?: Map<string, JobDefinition>;
  __parleyWorkers?: Map<string, string>;
  __parleyTickers?: Map<string, TickerDefinition>;
  __parleyTimers?: Set<NodeJS.Timeout>;
};
const registry: Map<string, JobDefinition> = (g.__parleyJobs ??= new Map());
const tickers: Map<string, TickerDefinition> = (g.__parleyTickers ??= new Map());
const timers: Set<NodeJS.Timeout> = (g.__parleyTimers ??= new Set());
// This process's worker per job name: a job sent here wakes it at once (PGlite has no NOTIFY).
const workers: Map<string, string> = (g.__parleyWorkers ??= new Map());

/** Domains declare their workers here; startJobs() creates the queues and starts them. */
export function defineJob<T extends object>(def: JobDefinition<T>): JobDefinition<T> {
  registry.set(def.name, def as unknown as JobDefinition);
  return def;
}

export function defineTicker(def: TickerDefinition): TickerDefinition {
  tickers.set(def.name, def);
  return def;
}

function startTicker(def: TickerDefinition): void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    def
      .run()
      .catch((err: unknown) => logger.warn({ err, ticker: def.name }, 'periodic job failed'))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, def.intervalMs);
  timer.unref();
  timers.add(timer);
  tick();
}

export async function startJobs(
  handle: DbHandle,
  opts: { databaseUrl?: string; work?: boolean } = {},
): Promise<PgBoss> {
  const pglite = handle.kind === 'pglite';
  const boss = pglite
    ? // PGlite is one embedded connection: pg-boss shares it through its own adapter.
      new PgBoss({ db: fromPglite(handle.pglite!), backend: 'pglite' })
    : // LISTEN/NOTIFY: a job sent by any process wakes the workers of every process at once,
      // instead of at their next poll (a reply used to wait a median 0.7 s for the send job).
      new PgBoss({ connectionString: opts.databaseUrl, max: 4, application_name: 'parley-jobs', useListenNotify: true });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  g.__parleyBoss = boss;
  for (const def of registry.values()) {
    await boss.createQueue(def.name, { retryLimit: 3, retryDelay: 2, retryBackoff: true, notify: !pglite, ...def.queue });
    if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: 'UTC' });
    if (opts.work === false) continue;
    const workerId = await boss.work<object>(
      def.name,
      // Polling stays at 1 s even with NOTIFY: it is what picks up delayed jobs (retries with
      // backoff, accept timeouts) when they fall due.
      { localConcurrency: def.concurrency ?? 2, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
      async ([job]) => {
        if (!job) return;
        await def.handler(job.data, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
      },
    );
    workers.set(def.name, workerId);
  }
  if (opts.work !== false) for (const def of tickers.values()) startTicker(def);
  return boss;
}

export function getBoss(): PgBoss {
  if (!g.__parleyBoss) throw new Error('Jobs are not started');
  return g.__parleyBoss;
}

export async function stopJobs(): Promise<void> {
  const boss = g.__parleyBoss;
  g.__parleyBoss = undefined;
  workers.clear();
  for (const t of timers) clearInterval(t);
  timers.clear();
  if (boss) await boss.stop({ graceful: true, timeout: 10_000 });
}

export async function enqueueJob(
  name: string,
  data: object,
  options: { startAfter?: number | Date; singletonKey?: string; singletonSeconds?: number; retryLimit?: number } = {},
): Promise<string | null> {
  const id = await getBoss().send(name, data, options as never);
  if (!options.startAfter) wakeWorker(name);
  return id;
}

/**
 * Creates a job inside the caller's transaction `tx`: it exists iff the transaction commits, so a
 * process that stops between the commit and the enqueue cannot strand the work. Call
 * `wakeWorker(name)` after the commit (other processes hear the NOTIFY at commit).
 */
export async function enqueueJobIn(tx: Db, name: string, data: object, options: { startAfter?: number | Date } = {}): Promise<void> {
  await getBoss().send(name, data, { ...options, db: sqlExecutor(tx) } as never);
}

/** Wakes this process's worker for `name` now, for a job just created here. */
export function wakeWorker(name: string): void {
  const worker = workers.get(name);
  if (worker) g.__parleyBoss?.notifyWorker(worker);
}
