import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { contacts, conversations, type Contact, type Conversation } from '../schema';

export async function getConversationById(db: Db, { id }: { id: string }): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
  return row;
}

export async function getConversationWithContact(
  db: Db,
  { id }: { id: string },
): Promise<{ conversation: Conversation; contact: Contact } | undefined> {
  const [row] = await db
    .select({ conversation: conversations, contact: contacts })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, id))
    .limit(1);
  return row;
}

/**
 * The open conversation of (channel, contact), created in the channel's queue when there is none,
 * with its 24-hour window moved to now. One statement on the partial unique index, so messages of a
 * new customer racing on several processes still share one conversation. `created`: it is new.
 */
export async function openConversationForInbound(
  db: Db,
  values: { channelId: string; contactId: string; queueId: string; language: string },
): Promise<{ conversation: Conversation; created: boolean }> {
  const [row] = await db
    .insert(conversations)
    .values({
      ...values,
      status: 'waiting',
      lastInboundAt: sql`now()`,
      lastMessageAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [conversations.channelId, conversations.contactId],
      targetWhere: sql`${conversations.status} <> 'closed'`,
      set: { lastInboundAt: sql`now()`, lastMessageAt: sql`now()`, updatedAt: sql`now()` },
    })
    .returning({ ...getTableColumns(conversations), created: sql<boolean>`(xmax = 0)` });
  const { created, ...conversation } = row!;
  return { conversation, created };
}
