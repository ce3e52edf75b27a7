import { and, asc, gt, inArray, or, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client';
import { type EventRow, events } from '../schema';

const toUuidArray = (ids: string[]) => sql`array[${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}]`;

export type CatchUpScope = { userId: string; queueIds: string[]; conversationIds: string[] } | 'all';

/**
 * Outbox rows after `since` that may concern the scope (the caller refines per event), in eventId
 * order, the highest eventId committed when they were read (`horizon`) and the lowest still kept
 * (`oldest`: older ones were pruned), from one snapshot. Writers serialise on an advisory lock
 * (lib/events/bus.ts), so no id <= horizon can commit later.
 */
export async function readEventsSince(
  db: Db,
  { since, scope, limit }: { since: number; scope: CatchUpScope; limit: number },
): Promise<{ rows: EventRow[]; horizon: number; oldest: number | null }> {
  return db.transaction(
    async (tx) => {
      const [h] = await tx
        .select({ max: sql<string | null>`max(${events.id})`, min: sql<string | null>`min(${events.id})` })
        .from(events);
      const horizon = Number(h?.max ?? 0);
      const oldest = h?.min == null ? null : Number(h.min);
      const rows = await tx
        .select()
        .from(events)
        .where(
          and(
            gt(events.id, since),
            sql`${events.id} <= ${horizon}`,
            scope === 'all'
              ? undefined
              : or(
                  scope.queueIds.length ? sql`${events.queueId} = any(${toUuidArray(scope.queueIds)})` : undefined,
                  scope.conversationIds.length
                    ? sql`${events.conversationId} = any(${toUuidArray(scope.conversationIds)})`
                    : undefined,
                  sql`(${events.payload} -> 'audience' -> 'userIds') @> to_jsonb(array[${scope.userId}::text])`,
                ),
          ),
        )
        .orderBy(asc(events.id))
        .limit(limit);
      return { rows, horizon, oldest };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export async function getLatestEventId(db: Db): Promise<number> {
  const [h] = await db.select({ max: sql<string | null>`max(${events.id})` }).from(events);
  return Number(h?.max ?? 0);
}

/**
 * The highest eventId catch-up no longer needs: every event older than `olderThanSeconds`, and
 * every event beyond the newest `keepNewest` (ids, gaps included). The newest event is always kept:
 * it is what a new socket's lastEventId and the `oldest` check above rest on.
 */
export async function findPruneCutoff(db: Db, { olderThanSeconds, keepNewest }: { olderThanSeconds: number; keepNewest: number }): Promise<number> {
  const [r] = rowsOf<{ aged: string | null; newest: string | null }>(await db.execute(sql`
    select
      (select ${events.id} from ${events} where ${events.createdAt} < now() - ${olderThanSeconds}::int * interval '1 second'
        order by ${events.createdAt} desc limit 1) as aged,
      (select max(${events.id}) from ${events}) as newest`));
  const newest = Number(r?.newest ?? 0);
  if (!newest) return 0;
  const cutoff = Math.max(Number(r?.aged ?? 0), newest - keepNewest);
  return Math.max(0, Math.min(cutoff, newest - 1));
}

/** Deletes up to `batch` of the oldest events with id <= cutoff; returns how many (one short statement). */
export async function deleteEventsUpTo(db: Db, { cutoff, batch }: { cutoff: number; batch: number }): Promise<number> {
  const rows = await db
    .execute(sql`
      delete from ${events} where ${events.id} in (
        select ${events.id} from ${events} where ${events.id} <= ${cutoff} order by ${events.id} limit ${batch})
      returning ${events.id}`)
    .then((x) => rowsOf<{ id: string }>(x));
  return rows.length;
}

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
