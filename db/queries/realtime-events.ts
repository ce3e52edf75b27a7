import { and, asc, gt, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { events, type EventRow } from '../schema';

export type CatchUpScope = { userId: string; queueIds: string[]; conversationIds: string[] } | 'all';

/**
 * Outbox rows after `since` that may concern the scope (the caller refines per room), in eventId
 * order, and the highest eventId committed when they were read (`horizon`), from one snapshot.
 * Writers serialise on an advisory lock (lib/events/bus.ts), so no id <= horizon can commit later.
 */
export async function readEventsSince(
  db: Db,
  { since, scope, limit }: { since: number; scope: CatchUpScope; limit: number },
): Promise<{ rows: EventRow[]; horizon: number }> {
  return db.transaction(
    async (tx) => {
      const [h] = await tx.select({ max: sql<string | null>`max(${events.id})` }).from(events);
      const horizon = Number(h?.max ?? 0);
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
      return { rows, horizon };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

const toUuidArray = (ids: string[]) => sql`array[${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}]`;

export async function getLatestEventId(db: Db): Promise<number> {
  const [h] = await db.select({ max: sql<string | null>`max(${events.id})` }).from(events);
  return Number(h?.max ?? 0);
}
