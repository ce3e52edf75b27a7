import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import type { DbHandle } from '@/db/client';
import { logger } from '@/lib/logger';

export type JobDefinition<T extends object = object> = {
  name: string;
  /** Queue options: retries, backoff, expiry. */
  queue?: { retryLimit?: number; retryDelay?: number; retryBackoff?: boolean; expireInSeconds?: number };
  /** Jobs of this name run at most this many at once per process. */
  concurrency?: number;
  handler: (data: T, job: { id: string; retryCount: number }) => Promise<void>;
};

const g = globalThis as unknown as { __parleyBoss?: PgBoss; __parleyJobs?: Map<string, JobDefinition> };
const registry: Map<string, JobDefinition> = (g.__parleyJobs ??= new Map());

/** Domains declare their workers here; startJobs() creates the queues and starts them. */
export function defineJob<T extends object>(def: JobDefinition<T>): JobDefinition<T> {
  registry.set(def.name, def as unknown as JobDefinition);
  return def;
}

export async function startJobs(
  handle: DbHandle,
  opts: { databaseUrl?: string; work?: boolean } = {},
): Promise<PgBoss> {
  const boss =
    handle.kind === 'pglite'
      ? // PGlite is one embedded connection: pg-boss shares it through its own adapter.
        new PgBoss({ db: fromPglite(handle.pglite!), backend: 'pglite' })
      : new PgBoss({ connectionString: opts.databaseUrl, max: 4, application_name: 'parley-jobs' });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  g.__parleyBoss = boss;
  for (const def of registry.values()) {
    await boss.createQueue(def.name, { retryLimit: 3, retryDelay: 2, retryBackoff: true, ...def.queue });
    if (opts.work === false) continue;
    await boss.work<object>(
      def.name,
      { localConcurrency: def.concurrency ?? 2, pollingIntervalSeconds: 1 },
      async ([job]) => {
        if (!job) return;
        await def.handler(job.data, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
      },
    );
  }
  return boss;
}

export function getBoss(): PgBoss {
  if (!g.__parleyBoss) throw new Error('Jobs are not started');
  return g.__parleyBoss;
}

export async function stopJobs(): Promise<void> {
  const boss = g.__parleyBoss;
  g.__parleyBoss = undefined;
  if (boss) await boss.stop({ graceful: true, timeout: 10_000 });
}

export async function enqueueJob(
  name: string,
  data: object,
  options: { startAfter?: number | Date; singletonKey?: string; retryLimit?: number } = {},
): Promise<string | null> {
  return getBoss().send(name, data, options as never);
}
