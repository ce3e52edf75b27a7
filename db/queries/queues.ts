import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { queueMembers, queues, type Queue } from '../schema';

export async function insertQueue(db: Db, values: typeof queues.$inferInsert): Promise<Queue> {
  const [row] = await db.insert(queues).values(values).returning();
  return row!;
}

export async function addQueueMembers(db: Db, { queueId, userIds }: { queueId: string; userIds: string[] }) {
  if (!userIds.length) return;
  await db
    .insert(queueMembers)
    .values(userIds.map((userId) => ({ queueId, userId })))
    .onConflictDoNothing();
}

export async function getQueueById(db: Db, { id }: { id: string }): Promise<Queue | undefined> {
  const [row] = await db.select().from(queues).where(eq(queues.id, id)).limit(1);
  return row;
}
