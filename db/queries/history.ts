import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../client';

export type HistoryFilter = {
  from?: Date;
  to?: Date;
  channelId?: string;
  queueId?: string;
  /** Chats the agent was assigned or wrote in. */
  agentId?: string;
  status?: 'waiting' | 'active' | 'closed';
  /** Exact E.164 number (or WhatsApp id). */
  contactPhone?: string;
  /** Words of the contact's name, each matched as a prefix. */
  contactName?: string;
  /** Words in the messages (websearch syntax), language-aware; with from/to, written in that period. */
  q?: string;
};

export type HistoryKey = { createdAt: string; id: string };

export type HistoryRow = {
  id: string;
  status: 'waiting' | 'active' | 'closed';
  language: string;
  createdAt: string;
  assignedAt: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  waitSeconds: number | null;
  firstResponseSeconds: number | null;
  messageCount: number;
  contactId: string;
  contactName: string | null;
  contactPhone: string;
  channelId: string;
  channelName: string;
  queueId: string;
  queueName: string;
  agentId: string | null;
  agentName: string | null;
  /** Exact created_at (microseconds) for the keyset cursor. */
  cursorTs: string;
};

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The tsquery config for a conversation language: english for 'en', spanish for 'es', simple otherwise. */
export function tsConfigFor(language: string | null | undefined): 'english' | 'spanish' | 'simple' {
  const l = (language ?? '').toLowerCase();
  if (l === 'en' || l.startsWith('en-') || l.startsWith('en_')) return 'english';
  if (l === 'es' || l.startsWith('es-') || l.startsWith('es_')) return 'spanish';
  return 'simple';
}

/** `maria:* & lop:*` from free text: every word of the name as a prefix; null when no word. */
export function namePrefixQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.slice(0, 8).map((w) => `${w}:*`).join(' & ') : null;
}

/** Conversation-level conditions (everything but the words). */
function conditions(f: HistoryFilter): SQL[] {
  const where: SQL[] = [];
  if (f.from) where.push(sql`c.created_at >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) where.push(sql`c.created_at < ${f.to.toISOString()}::timestamptz`);
  if (f.channelId) where.push(sql`c.channel_id = ${f.channelId}::uuid`);
  if (f.queueId) where.push(sql`c.queue_id = ${f.queueId}::uuid`);
  if (f.status) where.push(sql`c.status = ${f.status}::conversation_status`);
  if (f.agentId) {
    where.push(
      sql`(c.assignee_id = ${f.agentId}::uuid or exists (select 1 from messages am where am.author_id = ${f.agentId}::uuid and am.conversation_id = c.id))`,
    );
  }
  if (f.contactPhone) {
    const digits = f.contactPhone.replace(/\D/g, '');
    where.push(sql`(ct.phone = ${f.contactPhone} or ct.wa_id = ${digits})`);
  }
  if (f.contactName) {
    const q = namePrefixQuery(f.contactName);
    if (q) where.push(sql`to_tsvector('simple'::regconfig, coalesce(ct.name, '')) @@ to_tsquery('simple'::regconfig, ${q})`);
    else where.push(sql`false`);
  }
  return where;
}

// The OR of the three configs' queries is what the GIN index answers; the conversation's own
// language then decides (a Spanish chat is matched with Spanish stemming).
const anyQuery = (q: string) =>
  sql`(websearch_to_tsquery('english'::regconfig, ${q}) || websearch_to_tsquery('spanish'::regconfig, ${q}) || websearch_to_tsquery('simple'::regconfig, ${q}))`;
const ownQuery = (q: string, language: SQL) => sql`(case
  when lower(${language}) = 'en' or lower(${language}) like 'en-%' or lower(${language}) like 'en\\_%' then websearch_to_tsquery('english'::regconfig, ${q})
  when lower(${language}) = 'es' or lower(${language}) like 'es-%' or lower(${language}) like 'es\\_%' then websearch_to_tsquery('spanish'::regconfig, ${q})
  else websearch_to_tsquery('simple'::regconfig, ${q}) end)`;

// With a period, the words must also have been written in it (and the chat started in it).
const writtenIn = (f: HistoryFilter) => sql`
  ${f.from ? sql`and qm.created_at >= ${f.from.toISOString()}::timestamptz` : sql``}
  ${f.to ? sql`and qm.created_at < ${f.to.toISOString()}::timestamptz` : sql``}`;

/** Conversations (by id) with a message matching `q` in their own language: the GIN-driven way in. */
const wordHits = (f: HistoryFilter & { q: string }) => sql`
  select distinct qm.conversation_id from messages qm join conversations qc on qc.id = qm.conversation_id
  where qm.search_vector @@ ${anyQuery(f.q)} and qm.search_vector @@ ${ownQuery(f.q, sql`qc.language`)} ${writtenIn(f)}`;

/** Whether conversation `c` has a message matching `q` (probed through its own messages). */
const hasWord = (f: HistoryFilter & { q: string }) =>
  // coalesce() keeps the planner off the GIN index here: probing a conversation's few messages is cheaper.
  sql`exists (select 1 from messages qm where qm.conversation_id = c.id
    and coalesce(qm.search_vector, ''::tsvector) @@ ${ownQuery(f.q, sql`c.language`)} ${writtenIn(f)})`;

/**
 * One page of conversations matching the filter, newest first, keyset-paged on (created_at, id):
 * conversations created after the first page was read never shift later pages.
 */
export async function searchHistory(
  db: Db,
  { filter, after, limit }: { filter: HistoryFilter; after?: HistoryKey; limit: number },
): Promise<HistoryRow[]> {
  const where = conditions(filter);
  if (after) where.push(sql`(c.created_at, c.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  if (!filter.q) return selectPage(db, { where, limit });
  // Words: two plans, chosen by what the data says rather than by the planner's guess.
  // 1. Walk the newest conversations of the filter and probe their messages: fast when the words
  //    are common (the page fills within the window). Exact: the window is a prefix of the order.
  const window = Math.max(200, limit * 4);
  const probed = await selectPage(db, { where, limit, window, match: hasWord({ ...filter, q: filter.q }) });
  if (probed.length >= limit) return probed;
  // 2. Otherwise the words are rare: start from the GIN index's hits within the period.
  return selectPage(db, { where: [...where, sql`c.id in (select conversation_id from hits)`], limit, hits: wordHits({ ...filter, q: filter.q }) });
}

async function selectPage(
  db: Db,
  { where, limit, window, match, hits }: { where: SQL[]; limit: number; window?: number; match?: SQL; hits?: SQL },
): Promise<HistoryRow[]> {
  const whereSql = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const candidates = window
    ? sql`win as materialized (
        select c.id, c.created_at, c.status, c.language, c.assigned_at, c.first_response_at, c.closed_at, c.close_reason,
          c.channel_id, c.queue_id, c.assignee_id, c.contact_id, ct.name as contact_name, ct.phone as contact_phone
        from conversations c join contacts ct on ct.id = c.contact_id ${whereSql}
        order by c.created_at desc, c.id desc limit ${window}
      ),
      page as (
        select * from win c ${match ? sql`where ${match}` : sql``}
        order by c.created_at desc, c.id desc
        limit ${limit}
      )`
    : sql`${hits ? sql`hits as materialized (${hits}),` : sql``}
      page as (
        select c.id, c.created_at, c.status, c.language, c.assigned_at, c.first_response_at, c.closed_at, c.close_reason,
          c.channel_id, c.queue_id, c.assignee_id, c.contact_id, ct.name as contact_name, ct.phone as contact_phone
        from conversations c
        join contacts ct on ct.id = c.contact_id
        ${whereSql}
        order by c.created_at desc, c.id desc
        limit ${limit}
      )`;
  const result = await db.execute(sql`
    with ${candidates}
    select p.id, p.status, p.language,
      ${iso(sql`p.created_at`)} as "createdAt",
      ${iso(sql`p.assigned_at`)} as "assignedAt",
      ${iso(sql`p.first_response_at`)} as "firstResponseAt",
      ${iso(sql`p.closed_at`)} as "closedAt",
      p.close_reason as "closeReason",
      extract(epoch from (p.assigned_at - p.created_at))::float8 as "waitSeconds",
      extract(epoch from (p.first_response_at - p.created_at))::float8 as "firstResponseSeconds",
      (select count(*) from messages m where m.conversation_id = p.id and m.kind <> 'system')::int as "messageCount",
      p.contact_id as "contactId", p.contact_name as "contactName", p.contact_phone as "contactPhone",
      p.channel_id as "channelId", ch.name as "channelName",
      p.queue_id as "queueId", q.name as "queueName",
      p.assignee_id as "agentId", u.name as "agentName",
      p.created_at::text as "cursorTs"
    from page p
    join channels ch on ch.id = p.channel_id
    join queues q on q.id = p.queue_id
    left join users u on u.id = p.assignee_id
    order by p.created_at desc, p.id desc`);
  return rowsOf<HistoryRow>(result);
}

/** How many conversations match (export progress). */
export async function countHistory(db: Db, { filter }: { filter: HistoryFilter }): Promise<number> {
  const where = conditions(filter);
  if (filter.q) where.push(sql`c.id in (select conversation_id from hits)`);
  const whereSql = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const result = await db.execute(sql`
    ${filter.q ? sql`with hits as materialized (${wordHits({ ...filter, q: filter.q })})` : sql``}
    select count(*)::int as n from conversations c join contacts ct on ct.id = c.contact_id ${whereSql}`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

/** Whether the agent was assigned the conversation or wrote in it (agents' own history). */
export async function isAgentsConversation(db: Db, { agentId, conversationId }: { agentId: string; conversationId: string }): Promise<boolean> {
  const result = await db.execute(sql`
    select 1 from conversations c where c.id = ${conversationId}::uuid and (c.assignee_id = ${agentId}::uuid
      or exists (select 1 from messages m where m.author_id = ${agentId}::uuid and m.conversation_id = c.id))`);
  return rowsOf(result).length > 0;
}
