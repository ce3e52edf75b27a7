import { and, eq, gt, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client';
import { type Channel, channels, conversations, messages, simulatorSwitches, statusCallbacks } from '../schema';

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

export async function updateChannelRow(
  db: Db,
  { id, values }: { id: string; values: Partial<typeof channels.$inferInsert> },
): Promise<Channel | undefined> {
  const [row] = await db
    .update(channels)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(channels.id, id))
    .returning();
  return row;
}

export async function countChannelConversations(db: Db, { id }: { id: string }): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(conversations).where(eq(conversations.channelId, id));
  return row?.n ?? 0;
}

/** Deletes a channel with no conversations (and its stray status callbacks; templates cascade). */
export async function deleteChannelRow(db: Db, { id }: { id: string }): Promise<void> {
  await db.delete(statusCallbacks).where(eq(statusCallbacks.channelId, id));
  await db.delete(channels).where(eq(channels.id, id));
}

/** Messages per channel over the last 24 hours (both directions). */
export async function channelMessageCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ channelId: messages.channelId, n: sql<number>`count(*)::int` })
    .from(messages)
    .where(gt(messages.createdAt, sql`now() - interval '24 hours'`))
    .groupBy(messages.channelId);
  return new Map(rows.map((r) => [r.channelId, r.n]));
}

export async function channelConversationCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ channelId: conversations.channelId, n: sql<number>`count(*)::int` })
    .from(conversations)
    .groupBy(conversations.channelId);
  return new Map(rows.map((r) => [r.channelId, r.n]));
}

export async function getChannelByNumber(
  db: Db,
  { provider, phoneNumber }: { provider: Channel['provider']; phoneNumber: string },
): Promise<Channel | undefined> {
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.provider, provider), eq(channels.phoneNumber, phoneNumber)))
    .limit(1);
  return row;
}

export async function listChannelSummaries(db: Db) {
  return rowsOf<{ id: string; name: string; provider: string; environment: string; language: string; phone_number: string }>(
    await db.execute(sql`select id, name, provider, environment, language, phone_number from channels`),
  );
}

export async function listSimulatorChannels(db: Db): Promise<(Channel & { failNextErrorCode: string | null })[]> {
  const rows = await db
    .select({ channel: channels, failNextErrorCode: simulatorSwitches.failNextErrorCode })
    .from(channels)
    .leftJoin(simulatorSwitches, eq(simulatorSwitches.channelId, channels.id))
    .where(and(eq(channels.provider, 'simulator'), eq(channels.active, true)))
    .orderBy(channels.createdAt);
  return rows.map((r) => ({ ...r.channel, failNextErrorCode: r.failNextErrorCode ?? null }));
}

/** Active simulator channels of one (fake) Twilio account: an account may hold several numbers. */
export async function getSimulatorChannelsByAccount(db: Db, { accountSid }: { accountSid: string }): Promise<Channel[]> {
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.provider, 'simulator'), eq(channels.accountSid, accountSid), eq(channels.active, true)));
}
