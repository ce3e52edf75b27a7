import { and, asc, desc, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { type Db, rowsOf } from '../client';
import { type Contact, contacts, type Conversation, conversations, messages, queues } from '../schema';

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

export type InboxRow = {
  id: string;
  last_kind: string | null;
  last_body: string | null;
  last_direction: string | null;
  last_status: string | null;
  last_at: Date | string | null;
  unread: number;
};

/**
 * Last message and unread count (inbound messages after the user's read position) for each
 * conversation id, in one round trip.
 */
export async function getInboxExtras(db: Db, { userId, conversationIds }: { userId: string; conversationIds: string[] }) {
  if (!conversationIds.length) return new Map<string, InboxRow>();
  const ids = sql.join(conversationIds.map((id) => sql`${id}::uuid`), sql`, `);
  const result = await db.execute(sql`
    select c.id,
           lm.kind as last_kind, lm.body as last_body, lm.direction as last_direction,
           lm.status as last_status, lm.created_at as last_at,
           (select count(*)::int from messages m
             where m.conversation_id = c.id and m.direction = 'inbound'
               and m.seq > coalesce(r.last_read_seq, 0)) as unread
      from conversations c
      left join conversation_reads r on r.conversation_id = c.id and r.user_id = ${userId}::uuid
      left join lateral (
        select kind, body, direction, status, created_at from messages m
         where m.conversation_id = c.id order by m.seq desc limit 1
      ) lm on true
     where c.id in (${ids})`);
  return new Map(rowsOf<InboxRow>(result).map((r) => [r.id, r]));
}

export async function markConversationRead(db: Db, { userId, conversationId }: { userId: string; conversationId: string }) {
  await db.execute(sql`
    insert into conversation_reads (user_id, conversation_id, last_read_seq, updated_at)
    select ${userId}::uuid, ${conversationId}::uuid, coalesce(max(seq), 0), now()
      from messages where conversation_id = ${conversationId}::uuid
    on conflict (user_id, conversation_id)
    do update set last_read_seq = greatest(conversation_reads.last_read_seq, excluded.last_read_seq), updated_at = now()`);
}

export type ContactConversationRow = {
  id: string;
  status: string;
  created_at: Date | string;
  closed_at: Date | string | null;
  queue_name: string;
  channel_name: string;
  assignee_name: string | null;
  message_count: number;
};

export async function listContactConversations(
  db: Db,
  { contactId, limit = 20 }: { contactId: string; limit?: number },
): Promise<ContactConversationRow[]> {
  const result = await db.execute(sql`
    select c.id, c.status, c.created_at, c.closed_at, q.name as queue_name, ch.name as channel_name,
           u.name as assignee_name,
           (select count(*)::int from messages m where m.conversation_id = c.id and m.kind <> 'system') as message_count
      from conversations c
      join queues q on q.id = c.queue_id
      join channels ch on ch.id = c.channel_id
      left join users u on u.id = c.assignee_id
     where c.contact_id = ${contactId}::uuid
     order by c.created_at desc
     limit ${limit}`);
  return rowsOf<ContactConversationRow>(result);
}

/** The access-deciding state of these conversations now (catch-up judges replayed events by it). */
export async function listConversationFacts(db: Db, { ids }: { ids: string[] }) {
  if (!ids.length) return [];
  return db
    .select({
      id: conversations.id,
      status: conversations.status,
      assigneeId: conversations.assigneeId,
      offeredToId: conversations.offeredToId,
      queueId: conversations.queueId,
    })
    .from(conversations)
    .where(inArray(conversations.id, ids));
}

export async function insertDemoConversations(db: Db, rows: (typeof conversations.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(conversations).values(rows);
}
