import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { conversations, type NewUser, queueMembers, type User, users } from '../schema';

export async function getUserById(db: Db, { id }: { id: string }): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function getUserByEmail(db: Db, { email }: { email: string }): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row;
}

export async function insertUser(db: Db, user: NewUser): Promise<User> {
  const [row] = await db.insert(users).values(user).returning();
  return row!;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)));
  return row?.n ?? 0;
}

export async function listUsers(db: Db): Promise<User[]> {
  return db.select().from(users).orderBy(users.name);
}

export async function updateUserRow(db: Db, { id, values }: { id: string; values: Partial<NewUser> }): Promise<User | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/** Locks the active admins' rows (FOR UPDATE) so two demotions cannot both pass the last-admin check. */
export async function lockActiveAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .for('update');
  return rows.map((r) => r.id);
}

/**
 * An agent's load: its active chats plus the waiting chats offered to it (least_busy), so an
 * offer reserves the slot the accept will use.
 */
export const agentLoadSql = (userId: SQL | string) =>
  sql<number>`((select count(*) from ${conversations} lc where lc.assignee_id = ${userId} and lc.status = 'active')
    + (select count(*) from ${conversations} lo where lo.offered_to_id = ${userId} and lo.status = 'waiting'))::int`;

/** Locks the user's row until the transaction ends: every change to an agent's load takes it first. */
export async function lockUser(db: Db, { id }: { id: string }): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('update');
  return row;
}

export async function getAgentLoad(db: Db, { userId }: { userId: string }): Promise<number> {
  const [row] = await db.select({ load: agentLoadSql(userId) }).from(sql`(select 1) as one`);
  return row?.load ?? 0;
}

export type Candidate = { id: string; name: string; maxChats: number; load: number; speaks: boolean };

/**
 * least_busy order: available members of the queue under their limit, those who speak the
 * language first, then fewest chats, then longest since their last assignment.
 */
export async function listLeastBusyCandidates(
  db: Db,
  { queueId, language, excludeIds = [] }: { queueId: string; language: string; excludeIds?: string[] },
): Promise<Candidate[]> {
  const load = agentLoadSql(sql`${users.id}`);
  const speaks = sql<boolean>`(split_part(lower(${language}), '-', 1) = any(
    select split_part(lower(l), '-', 1) from unnest(${users.languages}) as l))`;
  const rows = await db
    .select({ id: users.id, name: users.name, maxChats: users.maxChats, load, speaks })
    .from(queueMembers)
    .innerJoin(users, eq(users.id, queueMembers.userId))
    .where(and(eq(queueMembers.queueId, queueId), eq(users.active, true), eq(users.presence, 'available')))
    .orderBy(desc(speaks), asc(load), sql`${users.lastAssignedAt} asc nulls first`, asc(users.id));
  return rows.filter((r) => r.load < r.maxChats && !excludeIds.includes(r.id));
}

export async function markAssigned(db: Db, { userId }: { userId: string }): Promise<void> {
  await db.update(users).set({ lastAssignedAt: sql`now()` }).where(eq(users.id, userId));
}

export async function setUserPresence(
  db: Db,
  { userId, presence }: { userId: string; presence: User['presence'] },
): Promise<User | undefined> {
  const [row] = await db
    .update(users)
    .set({ presence, presenceChangedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(users.id, userId))
    .returning();
  return row;
}
