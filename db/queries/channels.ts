import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { channels, type Channel } from '../schema';

export async function insertChannel(db: Db, values: typeof channels.$inferInsert): Promise<Channel> {
  const [row] = await db.insert(channels).values(values).returning();
  return row!;
}

export async function getChannelById(db: Db, { id }: { id: string }): Promise<Channel | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id)).limit(1);
  return row;
}

export async function listChannels(db: Db): Promise<Channel[]> {
  return db.select().from(channels).orderBy(channels.createdAt);
}
