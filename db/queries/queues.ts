import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../client';
import { channels, conversations, type Queue, queueMembers, queues, users } from '../schema';
import { agentLoadSql } from './users';

export async function insertQueue(db: Db, values: typeof queues.$inferInsert): Promise<Queue> {
  const [row] = await db.insert(queues).values(values).returning();
  return row!;
}

export async function addQueueMembers(db: Db, { queueId, userIds }: { queueId: string; userIds: string[] }) {
  if (!userIds.length) return;
  await db
    .insert(queueMembers)
    .values(userIds.map((userId) => ({ queueId, userId })))
    .onConflictDoNothing();
}

export async function getQueueById(db: Db, { id }: { id: string }): Promise<Queue | undefined> {
  const [row] = await db.select().from(queues).where(eq(queues.id, id)).limit(1);
  return row;
}

export async function listLeastBusyQueueIds(db: Db, { queueIds }: { queueIds: string[] }): Promise<string[]> {
  if (!queueIds.length) return [];
  const rows = await db
    .select({ id: queues.id })
    .from(queues)
    .where(and(inArray(queues.id, queueIds), eq(queues.routingRule, 'least_busy')));
  return rows.map((r) => r.id);
}

export async function listQueueRows(db: Db): Promise<Queue[]> {
  return db.select().from(queues).orderBy(queues.name);
}

export async function updateQueueRow(
  db: Db,
  { id, values }: { id: string; values: Partial<typeof queues.$inferInsert> },
): Promise<Queue | undefined> {
  const [row] = await db
    .update(queues)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(queues.id, id))
    .returning();
  return row;
}

export async function deleteQueueRow(db: Db, { id }: { id: string }): Promise<void> {
  await db.delete(queues).where(eq(queues.id, id));
}

/** Replaces a queue's members with exactly `userIds`. */
export async function setQueueMembers(db: Db, { queueId, userIds }: { queueId: string; userIds: string[] }) {
  await db.delete(queueMembers).where(eq(queueMembers.queueId, queueId));
  await addQueueMembers(db, { queueId, userIds });
}

/** Replaces the queues a user belongs to with exactly `queueIds`. */
export async function setUserQueues(db: Db, { userId, queueIds }: { userId: string; queueIds: string[] }) {
  await db.delete(queueMembers).where(eq(queueMembers.userId, userId));
  if (queueIds.length) {
    await db
      .insert(queueMembers)
      .values(queueIds.map((queueId) => ({ queueId, userId })))
      .onConflictDoNothing();
  }
}

export async function listQueueMembers(db: Db, { queueIds }: { queueIds?: string[] } = {}) {
  return db
    .select({
      queueId: queueMembers.queueId,
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      languages: users.languages,
      maxChats: users.maxChats,
      presence: users.presence,
      active: users.active,
    })
    .from(queueMembers)
    .innerJoin(users, eq(users.id, queueMembers.userId))
    .where(queueIds ? (queueIds.length ? inArray(queueMembers.queueId, queueIds) : sql`false`) : undefined)
    .orderBy(users.name);
}

/** Per queue: waiting and active conversations now, and members available with a free slot. */
export async function queueLiveCounts(db: Db): Promise<Map<string, { waiting: number; active: number; availableAgents: number }>> {
  const convs = await db
    .select({
      queueId: conversations.queueId,
      waiting: sql<number>`count(*) filter (where ${conversations.status} = 'waiting')::int`,
      active: sql<number>`count(*) filter (where ${conversations.status} = 'active')::int`,
    })
    .from(conversations)
    .where(ne(conversations.status, 'closed'))
    .groupBy(conversations.queueId);
  const avail = await db
    .select({ queueId: queueMembers.queueId, n: sql<number>`count(*)::int` })
    .from(queueMembers)
    .innerJoin(users, eq(users.id, queueMembers.userId))
    .where(and(eq(users.active, true), eq(users.presence, 'available')))
    .groupBy(queueMembers.queueId);
  const out = new Map<string, { waiting: number; active: number; availableAgents: number }>();
  const get = (id: string) => out.get(id) ?? out.set(id, { waiting: 0, active: 0, availableAgents: 0 }).get(id)!;
  for (const r of convs) Object.assign(get(r.queueId), { waiting: r.waiting, active: r.active });
  for (const r of avail) get(r.queueId).availableAgents = r.n;
  return out;
}

export async function queueUsage(db: Db, { id }: { id: string }): Promise<{ channels: number; conversations: number }> {
  const [ch] = await db.select({ n: sql<number>`count(*)::int` }).from(channels).where(eq(channels.queueId, id));
  const [cv] = await db.select({ n: sql<number>`count(*)::int` }).from(conversations).where(eq(conversations.queueId, id));
  return { channels: ch?.n ?? 0, conversations: cv?.n ?? 0 };
}

/** least_busy queues holding a waiting chat offered to no one (the sweep's placement pass). */
export async function listLeastBusyQueuesWithWaiting(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: queues.id })
    .from(queues)
    .innerJoin(
      conversations,
      and(eq(conversations.queueId, queues.id), eq(conversations.status, 'waiting'), isNull(conversations.offeredToId)),
    )
    .where(eq(queues.routingRule, 'least_busy'));
  return rows.map((r) => r.id);
}

export type QueueCounts = { waiting: number; active: number; oldestWaitingAt: Date | null };

export async function getQueueCounts(db: Db, { queueId }: { queueId: string }): Promise<QueueCounts> {
  return (await getQueueCountsMany(db, { queueIds: [queueId] })).get(queueId)!;
}

/** Counters of several queues in one query (every queue asked for is in the map, zeros included). */
export async function getQueueCountsMany(db: Db, { queueIds }: { queueIds: string[] }): Promise<Map<string, QueueCounts>> {
  const out = new Map<string, QueueCounts>(queueIds.map((id) => [id, { waiting: 0, active: 0, oldestWaitingAt: null }]));
  if (!queueIds.length) return out;
  const rows = await db
    .select({
      queueId: conversations.queueId,
      waiting: sql<number>`count(*) filter (where ${conversations.status} = 'waiting')::int`,
      active: sql<number>`count(*) filter (where ${conversations.status} = 'active')::int`,
      oldest: sql<string | null>`min(${conversations.createdAt}) filter (where ${conversations.status} = 'waiting')`,
    })
    .from(conversations)
    .where(and(inArray(conversations.queueId, queueIds), inArray(conversations.status, ['waiting', 'active'])))
    .groupBy(conversations.queueId);
  for (const r of rows) out.set(r.queueId, { waiting: r.waiting, active: r.active, oldestWaitingAt: r.oldest ? new Date(r.oldest) : null });
  return out;
}

export async function listMemberQueueIds(db: Db, { userId }: { userId: string }): Promise<string[]> {
  const rows = await db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, userId));
  return rows.map((r) => r.queueId);
}

export async function isQueueMember(db: Db, { queueId, userId }: { queueId: string; userId: string }): Promise<boolean> {
  const [row] = await db
    .select({ u: queueMembers.userId })
    .from(queueMembers)
    .where(and(eq(queueMembers.queueId, queueId), eq(queueMembers.userId, userId)))
    .limit(1);
  return !!row;
}

export async function listMemberQueues(db: Db, { userId }: { userId: string }): Promise<Queue[]> {
  return db
    .select({ q: queues })
    .from(queueMembers)
    .innerJoin(queues, eq(queues.id, queueMembers.queueId))
    .where(eq(queueMembers.userId, userId))
    .orderBy(queues.name)
    .then((rows) => rows.map((r) => r.q));
}

/** The queue's members with presence and load (transfer picker, supervisor view). */
export async function listQueueAgents(db: Db, { queueId }: { queueId: string }) {
  return db
    .select({
      id: users.id,
      name: users.name,
      role: users.role,
      languages: users.languages,
      maxChats: users.maxChats,
      presence: users.presence,
      load: agentLoadSql(sql`${users.id}`),
    })
    .from(queueMembers)
    .innerJoin(users, eq(users.id, queueMembers.userId))
    .where(and(eq(queueMembers.queueId, queueId), eq(users.active, true)))
    .orderBy(users.name);
}

export async function listQueueNames(db: Db): Promise<{ id: string; name: string }[]> {
  return rowsOf<{ id: string; name: string }>(await db.execute(sql`select id, name from queues order by name`));
}
