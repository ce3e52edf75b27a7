import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Db } from '../client';
import { type Conversation, type Message, messages, users } from '../schema';

export type NewMessage = PgInsertValue<typeof messages>;

/** Inserts a message unless (channel, provider id) exists already: null for a duplicate. */
export async function insertMessageOnce(db: Db, values: NewMessage): Promise<Message | null> {
  const [row] = await db.insert(messages).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function getMessageById(db: Db, { id }: { id: string }): Promise<Message | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
  return row;
}

export async function getMessageByProviderId(
  db: Db,
  { channelId, providerMessageId }: { channelId: string; providerMessageId: string },
): Promise<Message | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, providerMessageId)))
    .limit(1);
  return row;
}

/**
 * Moves a message's status to `status` only if its current status is one of `from` (the caller
 * computes them from the forward-only rule). The row lock makes concurrent callers apply it once.
 */
export async function updateMessageStatusFrom(
  db: Db,
  input: {
    id: string;
    status: Message['status'];
    from: Message['status'][];
    errorCode?: string | null;
    errorReason?: string | null;
  },
): Promise<Message | null> {
  if (!input.from.length) return null;
  const [row] = await db
    .update(messages)
    .set({
      status: input.status,
      ...(input.errorCode !== undefined ? { errorCode: input.errorCode } : {}),
      ...(input.errorReason !== undefined ? { errorReason: input.errorReason } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(messages.id, input.id), inArray(messages.status, input.from)))
    .returning();
  return row ?? null;
}

/** A page of a conversation's messages, newest first (callers reverse for display). */
export async function listMessagesPage(
  db: Db,
  { conversationId, beforeSeq, limit }: { conversationId: string; beforeSeq?: number; limit: number },
): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(
      beforeSeq === undefined
        ? eq(messages.conversationId, conversationId)
        : and(eq(messages.conversationId, conversationId), lt(messages.seq, beforeSeq)),
    )
    .orderBy(desc(messages.seq))
    .limit(limit);
}

/** Display names of message authors (agents), by id. */
export async function getAuthorNames(db: Db, { ids }: { ids: string[] }): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function insertSystemMessage(
  db: Db,
  { conversation, body }: { conversation: Pick<Conversation, 'id' | 'channelId'>; body: string },
): Promise<Message> {
  const [row] = await db
    .insert(messages)
    .values({
      conversationId: conversation.id,
      channelId: conversation.channelId,
      direction: 'outbound',
      kind: 'system',
      body,
      status: 'sent',
    })
    .returning();
  return row!;
}

/** Inserted in the order given: messages.seq (the transcript's order) follows it. */
export async function insertDemoMessages(db: Db, rows: (typeof messages.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(messages).values(rows.slice(i, i + 500));
}
