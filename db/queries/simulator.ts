import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client';
import { type SimulatorMessage, simulatorMessages, simulatorSwitches } from '../schema';

export async function insertSimulatorMessage(db: Db, values: typeof simulatorMessages.$inferInsert): Promise<SimulatorMessage> {
  const [row] = await db.insert(simulatorMessages).values(values).returning();
  return row!;
}

export async function getSimulatorMessageBySid(db: Db, { sid }: { sid: string }): Promise<SimulatorMessage | undefined> {
  const [row] = await db.select().from(simulatorMessages).where(eq(simulatorMessages.sid, sid)).limit(1);
  return row;
}

export async function updateSimulatorMessage(
  db: Db,
  { sid, values }: { sid: string; values: Partial<typeof simulatorMessages.$inferInsert> },
): Promise<SimulatorMessage | undefined> {
  const [row] = await db
    .update(simulatorMessages)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(simulatorMessages.sid, sid))
    .returning();
  return row;
}

/** Messages of some simulated phones on a channel, changed at or after `since`, oldest first. */
export async function listSimulatorMessages(
  db: Db,
  { channelId, customers, since, limit = 200 }: { channelId: string; customers: string[]; since?: Date; limit?: number },
): Promise<SimulatorMessage[]> {
  if (!customers.length) return [];
  const rows = await db
    .select()
    .from(simulatorMessages)
    .where(
      and(
        eq(simulatorMessages.channelId, channelId),
        inArray(simulatorMessages.customerPhone, customers),
        since ? gte(simulatorMessages.updatedAt, since) : undefined,
      ),
    )
    .orderBy(desc(simulatorMessages.createdAt))
    .limit(limit);
  return rows.reverse();
}

/** The fake Messages API's List: messages of some channels, optionally one phone and direction, newest first. */
export async function listSimulatorMessagesPage(
  db: Db,
  {
    channelIds,
    customerPhone,
    direction,
    limit,
    offset,
  }: { channelIds: string[]; customerPhone?: string; direction?: SimulatorMessage['direction']; limit: number; offset: number },
): Promise<SimulatorMessage[]> {
  if (!channelIds.length) return [];
  return db
    .select()
    .from(simulatorMessages)
    .where(
      and(
        inArray(simulatorMessages.channelId, channelIds),
        customerPhone ? eq(simulatorMessages.customerPhone, customerPhone) : undefined,
        direction ? eq(simulatorMessages.direction, direction) : undefined,
      ),
    )
    .orderBy(desc(simulatorMessages.createdAt), desc(simulatorMessages.id))
    .limit(limit)
    .offset(offset);
}

/** The simulated phones that have talked on a channel, most recent first. */
export async function listSimulatorCustomers(
  db: Db,
  { channelId, limit = 50 }: { channelId: string; limit?: number },
): Promise<{ phone: string; profileName: string | null; lastAt: Date }[]> {
  const rows = await db
    .select({
      phone: simulatorMessages.customerPhone,
      profileName: sql<string | null>`(array_agg(${simulatorMessages.profileName} order by ${simulatorMessages.createdAt} desc) filter (where ${simulatorMessages.profileName} is not null))[1]`,
      lastAt: sql<Date>`max(${simulatorMessages.createdAt})`.mapWith((v: string | Date) => new Date(v)),
    })
    .from(simulatorMessages)
    .where(eq(simulatorMessages.channelId, channelId))
    .groupBy(simulatorMessages.customerPhone)
    .orderBy(sql`max(${simulatorMessages.createdAt}) desc`)
    .limit(limit);
  return rows;
}

export async function setFailNextErrorCode(db: Db, { channelId, errorCode }: { channelId: string; errorCode: string | null }) {
  await db
    .insert(simulatorSwitches)
    .values({ channelId, failNextErrorCode: errorCode })
    .onConflictDoUpdate({ target: simulatorSwitches.channelId, set: { failNextErrorCode: errorCode, updatedAt: sql`now()` } });
}

/** Reads and clears the switch in one statement, so exactly one send fails even under concurrent sends. */
export async function takeFailNextErrorCode(db: Db, { channelId }: { channelId: string }): Promise<string | null> {
  // FOR UPDATE: a concurrent taker waits for this one, then re-reads the row and finds it cleared.
  const result = await db.execute(sql`
    with taken as (
      select channel_id, fail_next_error_code from simulator_switches
      where channel_id = ${channelId} and fail_next_error_code is not null
      for update
    )
    update simulator_switches s set fail_next_error_code = null, updated_at = now()
    from taken where s.channel_id = taken.channel_id
    returning taken.fail_next_error_code as code`);
  return rowsOf<{ code: string }>(result)[0]?.code ?? null;
}
