import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { statusCallbacks } from '../schema';

export type StatusCallback = typeof statusCallbacks.$inferSelect;

export async function insertStatusCallback(db: Db, values: typeof statusCallbacks.$inferInsert): Promise<StatusCallback> {
  const [row] = await db.insert(statusCallbacks).values(values).returning();
  return row!;
}

/** Callbacks received for a sid but not applied yet, oldest first. */
export async function listPendingStatusCallbacks(
  db: Db,
  { channelId, providerMessageId }: { channelId: string; providerMessageId: string },
): Promise<StatusCallback[]> {
  return db
    .select()
    .from(statusCallbacks)
    .where(
      and(
        eq(statusCallbacks.channelId, channelId),
        eq(statusCallbacks.providerMessageId, providerMessageId),
        isNull(statusCallbacks.appliedAt),
      ),
    )
    .orderBy(asc(statusCallbacks.id));
}

export async function markStatusCallbacksApplied(db: Db, { ids }: { ids: number[] }): Promise<void> {
  if (!ids.length) return;
  await db.update(statusCallbacks).set({ appliedAt: sql`now()` }).where(inArray(statusCallbacks.id, ids));
}
