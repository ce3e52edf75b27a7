import { asc, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { events, type EventRow } from '../schema';

/**
 * Outbox ids after `after`, in order, up to the first one younger than `settledMs` (the Redis
 * relay's repair pass looks only at events whose relay should have arrived by now). Ids become
 * visible in commit order (lib/events/bus.ts), so nothing at or below the last id returned can
 * appear later.
 */
export async function listSettledEventIds(
  db: Db,
  { after, settledMs, limit }: { after: number; settledMs: number; limit: number },
): Promise<number[]> {
  const rows = await db
    .select({ id: events.id, settled: sql<boolean>`${events.createdAt} < now() - make_interval(secs => ${settledMs / 1000})` })
    .from(events)
    .where(gt(events.id, after))
    .orderBy(asc(events.id))
    .limit(limit);
  const out: number[] = [];
  for (const r of rows) {
    if (!r.settled) break;
    out.push(Number(r.id));
  }
  return out;
}

export async function readEventsByIds(db: Db, { ids }: { ids: number[] }): Promise<EventRow[]> {
  if (!ids.length) return [];
  return db.select().from(events).where(inArray(events.id, ids)).orderBy(asc(events.id));
}
