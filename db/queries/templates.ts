import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { messages, templates, type Template } from '../schema';

export async function listTemplateRows(
  db: Db,
  filter: { channelId?: string; status?: Template['status'] } = {},
): Promise<Template[]> {
  const where: SQL[] = [];
  // A template without a channel is offered on every channel.
  if (filter.channelId) where.push(or(eq(templates.channelId, filter.channelId), isNull(templates.channelId))!);
  if (filter.status) where.push(eq(templates.status, filter.status));
  return db
    .select()
    .from(templates)
    .where(where.length ? and(...where) : undefined)
    .orderBy(templates.name, templates.language);
}

export async function getTemplateById(db: Db, { id }: { id: string }): Promise<Template | undefined> {
  const [row] = await db.select().from(templates).where(eq(templates.id, id)).limit(1);
  return row;
}

export async function getTemplateByContentSid(db: Db, { contentSid }: { contentSid: string }): Promise<Template | undefined> {
  const [row] = await db.select().from(templates).where(eq(templates.contentSid, contentSid)).limit(1);
  return row;
}

export async function insertTemplate(db: Db, values: typeof templates.$inferInsert): Promise<Template> {
  const [row] = await db.insert(templates).values(values).returning();
  return row!;
}

export async function updateTemplateRow(
  db: Db,
  { id, values }: { id: string; values: Partial<typeof templates.$inferInsert> },
): Promise<Template | undefined> {
  const [row] = await db
    .update(templates)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(templates.id, id))
    .returning();
  return row;
}

export async function countTemplateMessages(db: Db, { id }: { id: string }): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(messages).where(eq(messages.templateId, id));
  return row?.n ?? 0;
}

export async function deleteTemplateRow(db: Db, { id }: { id: string }): Promise<void> {
  await db.delete(templates).where(eq(templates.id, id));
}
