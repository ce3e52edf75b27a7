import { getDb, type Db } from '@/db/client';
import { publishEvents, recordEventsLast } from '@/lib/events/bus';
import type { DomainEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';

const RETRYABLE = new Set(['40P01', '40001']); // deadlock detected, serialization failure

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: unknown } | undefined;
  return e?.code ?? (e?.cause ? pgCode(e.cause) : undefined);
}

/**
 * One routing state change: `fn` runs in a transaction and pushes the events it causes; they are
 * written to the outbox in the same transaction and published after the commit. A deadlock or
 * serialization failure (rare: every change takes the agent row before the conversation row) is
 * retried a few times.
 */
export async function runChange<T>(fn: (tx: Db, events: DomainEvent[]) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await getDb().transaction(async (tx) => {
        const events: DomainEvent[] = [];
        const result = await fn(tx as unknown as Db, events);
        return { result, ...(await recordEventsLast(tx as unknown as Db, events)) };
      });
      const { result } = done;
      publishEvents(await done.recorded);
      return result;
    } catch (err) {
      const code = pgCode(err);
      if (code && RETRYABLE.has(code) && attempt < 5) {
        logger.debug({ code, attempt }, 'routing change retried');
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
        continue;
      }
      throw err;
    }
  }
}
