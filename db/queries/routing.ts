import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '../client';
import {
  contacts,
  conversations,
  messages,
  queueMembers,
  queues,
  users,
  type Contact,
  type Conversation,
  type Message,
  type Queue,
  type User,
} from '../schema';

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

/** The oldest waiting chat of a queue that is not offered to anyone (FIFO). */
export async function getOldestUnofferedWaiting(db: Db, { queueId }: { queueId: string }): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.queueId, queueId), eq(conversations.status, 'waiting'), isNull(conversations.offeredToId)))
    .orderBy(asc(conversations.createdAt), asc(conversations.id))
    .limit(1);
  return row;
}

/**
 * Conditional update: changes the conversation only if `where` still holds when its row lock is
 * taken (a concurrent winner makes it match nothing). Undefined: someone else changed it first.
 */
export async function updateConversationIf(
  db: Db,
  { id, where, set }: { id: string; where: SQL | undefined; set: PgUpdateSetSource<typeof conversations> },
): Promise<Conversation | undefined> {
  const [row] = await db
    .update(conversations)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(conversations.id, id), where))
    .returning();
  return row;
}

/** Locks the conversation's row (always after any agent row the change needs: one lock order). */
export async function lockConversation(db: Db, { id }: { id: string }): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id)).for('update');
  return row;
}

export async function getContact(db: Db, { id }: { id: string }): Promise<Contact> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id)).limit(1);
  return row!;
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

/** Chats a user holds now (assigned and active, or offered and waiting): their conversation rooms. */
export async function listHeldConversationIds(db: Db, { userId }: { userId: string }): Promise<string[]> {
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      or(
        and(eq(conversations.assigneeId, userId), eq(conversations.status, 'active')),
        and(eq(conversations.offeredToId, userId), eq(conversations.status, 'waiting')),
      ),
    );
  return rows.map((r) => r.id);
}

/** Waiting chats offered to an agent (least_busy), e.g. to hand them on when it goes away. */
export async function listOffersHeldBy(db: Db, { userId }: { userId: string }): Promise<Conversation[]> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.offeredToId, userId), eq(conversations.status, 'waiting')));
}

/** least_busy offers not accepted within their queue's accept timeout. */
export async function listExpiredOffers(db: Db, { conversationId }: { conversationId?: string } = {}) {
  return db
    .select({
      id: conversations.id,
      offeredToId: conversations.offeredToId,
      queueId: conversations.queueId,
      offeredAt: conversations.offeredAt,
    })
    .from(conversations)
    .innerJoin(queues, eq(queues.id, conversations.queueId))
    .where(
      and(
        eq(conversations.status, 'waiting'),
        sql`${conversations.offeredToId} is not null`,
        sql`${queues.acceptTimeoutSeconds} is not null`,
        sql`${conversations.offeredAt} <= now() - make_interval(secs => ${queues.acceptTimeoutSeconds})`,
        conversationId ? eq(conversations.id, conversationId) : undefined,
      ),
    );
}

/**
 * Active chats silent for longer than their queue's completion timeout: no message (other than
 * Parley's own system notes) in either direction since then.
 */
export async function listSilentConversations(
  db: Db,
  { limit = 200, conversationId }: { limit?: number; conversationId?: string } = {},
) {
  return db
    .select({ id: conversations.id, minutes: queues.completionTimeoutMinutes })
    .from(conversations)
    .innerJoin(queues, eq(queues.id, conversations.queueId))
    .where(
      and(
        eq(conversations.status, 'active'),
        sql`${queues.completionTimeoutMinutes} is not null`,
        sql`${conversations.lastMessageAt} <= now() - make_interval(mins => ${queues.completionTimeoutMinutes})`,
        sql`not exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.kind <> 'system'
          and m.created_at > now() - make_interval(mins => ${queues.completionTimeoutMinutes}))`,
        conversationId ? eq(conversations.id, conversationId) : undefined,
      ),
    )
    .limit(limit);
}

export async function setFirstResponseAt(db: Db, { conversationId, at }: { conversationId: string; at: Date }): Promise<void> {
  await db
    .update(conversations)
    .set({ firstResponseAt: at })
    .where(and(eq(conversations.id, conversationId), isNull(conversations.firstResponseAt)));
}

export type ConversationCursor = { createdAt: string; id: string };

/** A page of conversations with their contacts, keyset-paged on (created_at, id). */
export async function listConversationPage(
  db: Db,
  opts: {
    statuses?: Conversation['status'][];
    queueId?: string;
    assigneeId?: string;
    /** An agent: only its own chats and its queues' waiting chats. */
    visibleTo?: { userId: string; queueIds: string[] };
    order: 'asc' | 'desc';
    cursor?: ConversationCursor;
    limit: number;
  },
): Promise<{ conversation: Conversation; contact: Contact }[]> {
  const v = opts.visibleTo;
  // Keyset on milliseconds: the cursor travels through JSON as an ISO time (ms precision).
  const key = sql`(date_trunc('milliseconds', ${conversations.createdAt}), ${conversations.id})`;
  const after = opts.cursor
    ? opts.order === 'asc'
      ? sql`${key} > (${new Date(opts.cursor.createdAt).toISOString()}::timestamptz, ${opts.cursor.id}::uuid)`
      : sql`${key} < (${new Date(opts.cursor.createdAt).toISOString()}::timestamptz, ${opts.cursor.id}::uuid)`
    : undefined;
  const ms = sql`date_trunc('milliseconds', ${conversations.createdAt})`;
  const dir = opts.order === 'asc' ? asc : desc;
  return db
    .select({ conversation: conversations, contact: contacts })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        opts.statuses?.length ? inArray(conversations.status, opts.statuses) : undefined,
        opts.queueId ? eq(conversations.queueId, opts.queueId) : undefined,
        opts.assigneeId ? eq(conversations.assigneeId, opts.assigneeId) : undefined,
        v
          ? or(
              eq(conversations.assigneeId, v.userId),
              and(eq(conversations.offeredToId, v.userId), eq(conversations.status, 'waiting')),
              v.queueIds.length
                ? and(eq(conversations.status, 'waiting'), inArray(conversations.queueId, v.queueIds))
                : undefined,
            )
          : undefined,
        after,
      ),
    )
    .orderBy(dir(ms), dir(conversations.id))
    .limit(opts.limit);
}
