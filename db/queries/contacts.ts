import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { type Contact, contacts } from '../schema';

/**
 * Finds or creates the contact for a phone number in one statement; a newer ProfileName
 * refreshes the display name, a known WhatsApp id is kept.
 */
export async function upsertContactByPhone(
  db: Db,
  { phone, waId, name }: { phone: string; waId: string | null; name: string | null },
): Promise<Contact> {
  const [row] = await db
    .insert(contacts)
    .values({ phone, waId, name })
    .onConflictDoUpdate({
      target: contacts.phone,
      set: {
        name: sql`coalesce(excluded.name, ${contacts.name})`,
        waId: sql`coalesce(${contacts.waId}, excluded.wa_id)`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export async function getContactByWaId(db: Db, { waId }: { waId: string }): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.waId, waId)).limit(1);
  return row;
}

export async function getContactById(db: Db, { id }: { id: string }): Promise<Contact> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id)).limit(1);
  return row!;
}

/** Bulk inserts for the demo's sample history (lib/setup/demo-content.ts). */
export async function insertDemoContacts(db: Db, rows: (typeof contacts.$inferInsert)[]): Promise<Contact[]> {
  return rows.length ? db.insert(contacts).values(rows).returning() : [];
}
