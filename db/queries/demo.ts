import type { Db } from '../client';
import { contacts, conversations, messages, type Contact } from '../schema';

/** Bulk inserts for the demo's sample history (lib/setup/demo-content.ts). */
export async function insertDemoContacts(db: Db, rows: (typeof contacts.$inferInsert)[]): Promise<Contact[]> {
  return rows.length ? db.insert(contacts).values(rows).returning() : [];
}

export async function insertDemoConversations(db: Db, rows: (typeof conversations.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(conversations).values(rows);
}

/** Inserted in the order given: messages.seq (the transcript's order) follows it. */
export async function insertDemoMessages(db: Db, rows: (typeof messages.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(messages).values(rows.slice(i, i + 500));
}

