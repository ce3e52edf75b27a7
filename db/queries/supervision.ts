import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../client';

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export type QueueLiveRow = {
  id: string;
  name: string;
  routingRule: string;
  waiting: number;
  oldestWaitingAt: string | null;
  active: number;
  handledToday: number;
  medianFirstResponseSeconds: number | null;
};

/** Per queue: waiting and active chats now, oldest waiting chat, chats handled and median first response since `since`. */
export async function listQueueLive(db: Db, { since }: { since: Date }): Promise<QueueLiveRow[]> {
  const s = since.toISOString();
  const result = await db.execute(sql`
    select q.id, q.name, q.routing_rule as "routingRule",
      coalesce(o.waiting, 0)::int as waiting, ${iso(sql`o.oldest`)} as "oldestWaitingAt", coalesce(o.active, 0)::int as active,
      coalesce(h.handled, 0)::int as "handledToday",
      f.median::float8 as "medianFirstResponseSeconds"
    from queues q
    left join (
      select queue_id, count(*) filter (where status = 'waiting') as waiting,
        min(created_at) filter (where status = 'waiting') as oldest, count(*) filter (where status = 'active') as active
      from conversations where status <> 'closed' group by queue_id
    ) o on o.queue_id = q.id
    left join (
      select queue_id, count(*) as handled from conversations
      where closed_at >= ${s}::timestamptz and assigned_at is not null group by queue_id
    ) h on h.queue_id = q.id
    left join (
      select queue_id, percentile_cont(0.5) within group (order by extract(epoch from first_response_at - created_at)) as median
      from conversations where first_response_at >= ${s}::timestamptz group by queue_id
    ) f on f.queue_id = q.id
    order by q.name`);
  return rowsOf<QueueLiveRow>(result);
}

export type AgentLiveRow = {
  id: string;
  name: string;
  role: string;
  presence: 'available' | 'away' | 'offline';
  presenceChangedAt: string;
  load: number;
  maxChats: number;
  queueIds: string[];
  handledToday: number;
};

/** Agents (and anyone in a queue) with presence, open chats against their limit, and their queues. */
export async function listAgentLive(db: Db, { since }: { since: Date }): Promise<AgentLiveRow[]> {
  const result = await db.execute(sql`
    select u.id, u.name, u.role, u.presence, ${iso(sql`u.presence_changed_at`)} as "presenceChangedAt", u.max_chats as "maxChats",
      (select count(*) from conversations c where c.assignee_id = u.id and c.status = 'active')::int as load,
      (select count(*) from conversations c where c.assignee_id = u.id and c.closed_at >= ${since.toISOString()}::timestamptz)::int as "handledToday",
      coalesce((select array_agg(m.queue_id::text order by m.queue_id) from queue_members m where m.user_id = u.id), '{}') as "queueIds"
    from users u
    where u.active and (u.role = 'agent' or exists (select 1 from queue_members m where m.user_id = u.id))
    order by u.name`);
  return rowsOf<AgentLiveRow & { queueIds: string[] | string }>(result).map((r) => ({
    ...r,
    // PGlite and postgres.js both parse text[]; guard against a driver handing back the literal.
    queueIds: Array.isArray(r.queueIds) ? r.queueIds : String(r.queueIds).replace(/[{}]/g, '').split(',').filter(Boolean),
  }));
}

export type LiveChatRow = {
  id: string;
  status: 'waiting' | 'active';
  queueId: string;
  assigneeId: string | null;
  offeredToId: string | null;
  language: string;
  contactName: string | null;
  contactPhone: string;
  channelName: string;
  createdAt: string;
  assignedAt: string | null;
  lastMessageAt: string;
  lastMessage: string | null;
};

/** Open chats: waiting ones first, longest wait at the top; then active ones, oldest first. */
export async function listOpenChats(db: Db, { limit }: { limit: number }): Promise<LiveChatRow[]> {
  const result = await db.execute(sql`
    select c.id, c.status, c.queue_id as "queueId", c.assignee_id as "assigneeId", c.offered_to_id as "offeredToId", c.language,
      ct.name as "contactName", ct.phone as "contactPhone", ch.name as "channelName",
      ${iso(sql`c.created_at`)} as "createdAt", ${iso(sql`c.assigned_at`)} as "assignedAt", ${iso(sql`c.last_message_at`)} as "lastMessageAt",
      (select m.body from messages m where m.conversation_id = c.id and m.kind <> 'system' order by m.seq desc limit 1) as "lastMessage"
    from conversations c
    join contacts ct on ct.id = c.contact_id
    join channels ch on ch.id = c.channel_id
    where c.status <> 'closed'
    order by (c.status = 'waiting') desc, c.created_at, c.id
    limit ${limit}`);
  return rowsOf<LiveChatRow>(result);
}
