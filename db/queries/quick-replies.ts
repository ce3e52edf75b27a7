import { and, eq, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { quickReplies, type QuickReply } from '../schema';

export async function listQuickReplyRows(
  db: Db,
  filter: { language?: string; queueIds?: string[]; q?: string } = {},
): Promise<QuickReply[]> {
  const where: SQL[] = [];
  if (filter.language) where.push(eq(quickReplies.language, filter.language));
  if (filter.queueIds) {
    // Scoped to every queue (null), or to one of these queues.
    const arr = sql`ARRAY[${sql.join(
      filter.queueIds.map((id) => sql`${id}`),
      sql`, `,
    )}]::uuid[]`;
    where.push(
      filter.queueIds.length ? or(isNull(quickReplies.queueIds), sql`${quickReplies.queueIds} && ${arr}`)! : isNull(quickReplies.queueIds),
    );
  }
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(quickReplies.shortcut, like), ilike(quickReplies.text, like))!);
  }
  return db
    .select()
    .from(quickReplies)
    .where(where.length ? and(...where) : undefined)
    .orderBy(quickReplies.shortcut, quickReplies.language);
}

export async function getQuickReplyById(db: Db, { id }: { id: string }): Promise<QuickReply | undefined> {
  const [row] = await db.select().from(quickReplies).where(eq(quickReplies.id, id)).limit(1);
  return row;
}

export async function insertQuickReply(db: Db, values: typeof quickReplies.$inferInsert): Promise<QuickReply> {
  const [row] = await db.insert(quickReplies).values(values).returning();
  return row!;
}

export async function updateQuickReplyRow(
  db: Db,
  { id, values }: { id: string; values: Partial<typeof quickReplies.$inferInsert> },
): Promise<QuickReply | undefined> {
  const [row] = await db
    .update(quickReplies)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(quickReplies.id, id))
    .returning();
  return row;
}

export async function deleteQuickReplyRow(db: Db, { id }: { id: string }): Promise<void> {
  await db.delete(quickReplies).where(eq(quickReplies.id, id));
}
