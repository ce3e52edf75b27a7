import { eq } from 'drizzle-orm';
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
