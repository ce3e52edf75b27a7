import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { attachments, type Attachment } from '../schema';

export async function insertAttachments(db: Db, values: (typeof attachments.$inferInsert)[]): Promise<Attachment[]> {
  if (!values.length) return [];
  return db.insert(attachments).values(values).returning();
}

export async function getAttachmentById(db: Db, { id }: { id: string }): Promise<Attachment | undefined> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id)).limit(1);
  return row;
}

export async function listAttachmentsForMessages(db: Db, { messageIds }: { messageIds: string[] }): Promise<Attachment[]> {
  if (!messageIds.length) return [];
  return db.select().from(attachments).where(inArray(attachments.messageId, messageIds)).orderBy(attachments.createdAt, attachments.position, attachments.id);
}

export async function updateAttachment(
  db: Db,
  { id, values }: { id: string; values: Partial<typeof attachments.$inferInsert> },
): Promise<Attachment | undefined> {
  const [row] = await db
    .update(attachments)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(attachments.id, id))
    .returning();
  return row;
}

export async function countAttachmentsWithStorageKey(db: Db, { storageKey }: { storageKey: string }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(attachments)
    .where(eq(attachments.storageKey, storageKey));
  return row?.n ?? 0;
}
