import { getDb } from '@/db/client';
import { defineJob } from '@/lib/jobs/boss';
import { applyRetention } from './retention';

export const RETENTION_JOB = 'privacy.retention';

// Daily at 03:17 UTC. A run that dies part-way is retried; its committed batches stay done.
defineJob({
  name: RETENTION_JOB,
  cron: '17 3 * * *',
  concurrency: 1,
  queue: { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 3600 },
  handler: async () => {
    await applyRetention(getDb());
  },
});
