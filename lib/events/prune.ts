import type { PgBoss } from 'pg-boss';
import { getDb, type Db } from '@/db/client';
import { deleteEventsUpTo, findPruneCutoff } from '@/db/queries/events';
import { defineJob } from '@/lib/jobs/boss';
import { logger } from '@/lib/logger';

export const PRUNE_EVENTS_JOB = 'events.prune';

/**
 * What the outbox keeps for catch-up (auth.since): the last KEEP_HOURS of events, and at most the
 * newest KEEP_NEWEST. A client that was away longer, or missed more, gets `resync` and reloads over
 * REST anyway (lib/realtime/catch-up.ts), so older events serve nobody.
 */
export const EVENTS_RETENTION = { keepHours: 6, keepNewest: 200_000, batch: 5_000 } as const;

export type PruneOptions = { keepHours?: number; keepNewest?: number; batch?: number };

/**
 * Deletes the events catch-up no longer needs, oldest first, `batch` rows per statement (each its
 * own short transaction: no long lock, no long-running delete competing with writers).
 */
export async function pruneEvents(db: Db, opts: PruneOptions = {}): Promise<{ deleted: number; cutoff: number; ms: number }> {
  const started = Date.now();
  const { keepHours, keepNewest, batch } = { ...EVENTS_RETENTION, ...opts };
  const cutoff = await findPruneCutoff(db, { olderThanSeconds: Math.round(keepHours * 3600), keepNewest });
  let deleted = 0;
  if (cutoff > 0) {
    for (;;) {
      const n = await deleteEventsUpTo(db, { cutoff, batch });
      deleted += n;
      if (n < batch) break;
    }
  }
  const ms = Date.now() - started;
  if (deleted) logger.info({ deleted, cutoff, ms }, 'outbox pruned');
  return { deleted, cutoff, ms };
}

defineJob<PruneOptions>({
  name: PRUNE_EVENTS_JOB,
  queue: { retryLimit: 1, expireInSeconds: 600 },
  concurrency: 1,
  handler: async (opts) => {
    await pruneEvents(getDb(), opts);
  },
});

/** Every 10 minutes on whichever process takes it (pg-boss keeps one schedule per name). */
export async function startEventSchedules(boss: PgBoss): Promise<void> {
  await boss.schedule(PRUNE_EVENTS_JOB, '*/10 * * * *');
}
