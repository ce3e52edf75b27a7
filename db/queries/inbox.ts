import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client';

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

export async function listQueueNames(db: Db): Promise<{ id: string; name: string }[]> {
  return rowsOf<{ id: string; name: string }>(await db.execute(sql`select id, name from queues order by name`));
}

export async function listChannelSummaries(db: Db) {
  return rowsOf<{ id: string; name: string; provider: string; environment: string; language: string; phone_number: string }>(
    await db.execute(sql`select id, name, provider, environment, language, phone_number from channels`),
  );
}
