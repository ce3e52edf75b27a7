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

/** Whether the conditions read the contact (its name or number), so the contact must be joined. */
const needsContact = (f: HistoryFilter) => Boolean(f.contactPhone || f.contactName);

/** Conversation-level conditions (everything but the words), on `c` and (when needed) `ct`. */
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

const before = (key: HistoryKey) => sql`(c.created_at, c.id) < (${key.createdAt}::timestamptz, ${key.id}::uuid)`;
const whereOf = (where: SQL[]) => (where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``);
const fromConversations = (f: HistoryFilter) =>
  needsContact(f) ? sql`conversations c join contacts ct on ct.id = c.contact_id` : sql`conversations c`;

const tsq = (config: 'english' | 'spanish' | 'simple', q: string) => sql`websearch_to_tsquery(${sql.raw(`'${config}'`)}::regconfig, ${q})`;
// The OR of the three configs' queries is what the GIN index answers; the conversation's own
// language then decides (a Spanish chat is matched with Spanish stemming).
const anyQuery = (q: string) => sql`(${tsq('english', q)} || ${tsq('spanish', q)} || ${tsq('simple', q)})`;
const isLanguage = (language: SQL, code: 'en' | 'es') =>
  sql`(lower(${language}) = ${sql.raw(`'${code}'`)} or lower(${language}) like ${sql.raw(`'${code}-%'`)} or lower(${language}) like ${sql.raw(`'${code}\\_%'`)})`;
/** Picks the value for the conversation's language (the same rule as tsConfigFor). */
const byLanguage = (language: SQL, en: SQL, es: SQL, other: SQL) =>
  sql`(case when ${isLanguage(language, 'en')} then ${en} when ${isLanguage(language, 'es')} then ${es} else ${other} end)`;
const ownQuery = (q: string, language: SQL) => byLanguage(language, tsq('english', q), tsq('spanish', q), tsq('simple', q));

// With a period, the words must also have been written in it (and the chat started in it).
const writtenIn = (f: HistoryFilter, col: SQL) => sql`
  ${f.from ? sql`and ${col} >= ${f.from.toISOString()}::timestamptz` : sql``}
  ${f.to ? sql`and ${col} < ${f.to.toISOString()}::timestamptz` : sql``}`;

/** Whether conversation `c` has a message matching `q` (probed through its own messages). */
const hasWord = (f: HistoryFilter & { q: string }) =>
  // Probed one conversation at a time through its few messages: coalesce() keeps the planner off the
  // GIN index, and `offset 0` keeps it from turning the probe into a hash of every message in the period.
  sql`exists (select 1 from messages qm where qm.conversation_id = c.id
    and coalesce(qm.search_vector, ''::tsvector) @@ ${ownQuery(f.q, sql`c.language`)} ${writtenIn(f, sql`qm.created_at`)} offset 0)`;

const DAY_MS = 86_400_000;
/** Longest period whose UTC days are listed to the (words, day) GIN index; longer ones use the words alone. */
const MAX_INDEXED_DAYS = 92;

/** `{2025-03-01,...}`: the UTC days a [from, to) period touches, or null when open or too long to list. */
function periodDays(f: Pick<HistoryFilter, 'from' | 'to'>): string | null {
  if (!f.from || !f.to || f.to <= f.from) return null;
  const first = Math.floor(f.from.getTime() / DAY_MS);
  const last = Math.floor((f.to.getTime() - 1) / DAY_MS);
  if (last - first + 1 > MAX_INDEXED_DAYS) return null;
  const days: string[] = [];
  for (let d = first; d <= last; d++) days.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  return `{${days.join(',')}}`;
}

/**
 * Conversations (id + which configs matched) with a message matching `q` in the period: the GIN-driven
 * way in. `messages_search_idx` is on (search_vector, [UTC day]), so words and period are intersected
 * inside one index scan. The exact bounds are applied after it, as a flag rather than a filter: the
 * planner then neither trades the GIN scan for a walk of messages_created_idx (every message of the
 * period read and tested) nor guesses the hits down to a handful and joins them one by one.
 */
const wordHits = (f: HistoryFilter & { q: string }) => {
  const days = periodDays(f);
  const inPeriod = f.from || f.to ? sql`(true ${writtenIn(f, sql`qm.created_at`)})` : sql`true`;
  return sql`found as materialized (
      select qm.conversation_id,
        qm.search_vector @@ ${tsq('english', f.q)} as en,
        qm.search_vector @@ ${tsq('spanish', f.q)} as es,
        qm.search_vector @@ ${tsq('simple', f.q)} as si,
        ${inPeriod} as in_period
      from messages qm
      where qm.search_vector @@ ${anyQuery(f.q)}
        ${days ? sql`and array[(qm.created_at at time zone 'UTC')::date] && ${days}::date[]` : sql``}
    ),
    hits as (
      select h.conversation_id as id,
        bool_or(h.en and h.in_period) as en, bool_or(h.es and h.in_period) as es, bool_or(h.si and h.in_period) as si
      from found h group by h.conversation_id
    )`;
};
const hitMatches = sql`${byLanguage(sql`c.language`, sql`h.en`, sql`h.es`, sql`h.si`)}`;

type Probe = { hits: HistoryKey[]; scanned: number; oldest: HistoryKey | null; newestEpoch: number | null; oldestEpoch: number | null; firstEpoch: number | null };

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/**
 * The next `window` conversations of the filter (newest first, older than `after`), and which of
 * them have the words, checked through each one's own messages: cheap per conversation, whatever
 * the words' frequency.
 */
async function probeWindow(
  db: Db,
  f: HistoryFilter & { q: string },
  { after, window, limit }: { after?: HistoryKey; window: number; limit: number },
): Promise<Probe> {
  const where = conditions(f);
  if (after) where.push(before(after));
  const result = await db.execute(sql`
    with win as materialized (
      select c.id, c.created_at, c.language from ${fromConversations(f)} ${whereOf(where)}
      order by c.created_at desc, c.id desc limit ${window}
    )
    select
      (select count(*) from win)::int as scanned,
      (select json_build_object('createdAt', w.created_at::text, 'id', w.id) from win w order by w.created_at, w.id limit 1) as oldest,
      (select extract(epoch from max(w.created_at))::float8 from win w) as "newestEpoch",
      (select extract(epoch from min(w.created_at))::float8 from win w) as "oldestEpoch",
      (select extract(epoch from min(created_at))::float8 from conversations) as "firstEpoch",
      (select coalesce(json_agg(json_build_object('createdAt', m.created_at::text, 'id', m.id) order by m.created_at desc, m.id desc), '[]'::json)
        from (select c.id, c.created_at from win c where ${hasWord(f)} order by c.created_at desc, c.id desc limit ${limit}) m) as hits`);
  const row = rowsOf<{ scanned: number; oldest: unknown; newestEpoch: number | null; oldestEpoch: number | null; firstEpoch: number | null; hits: unknown }>(result)[0]!;
  return {
    scanned: Number(row.scanned),
    oldest: row.oldest ? parseJson<HistoryKey>(row.oldest) : null,
    newestEpoch: row.newestEpoch === null ? null : Number(row.newestEpoch),
    oldestEpoch: row.oldestEpoch === null ? null : Number(row.oldestEpoch),
    firstEpoch: row.firstEpoch === null ? null : Number(row.firstEpoch),
    hits: parseJson<HistoryKey[]>(row.hits),
  };
}

/** The newest `limit` conversations of the filter (older than `after`) with the words, from the GIN index's hits. */
async function indexedWordSearch(db: Db, f: HistoryFilter & { q: string }, { after, limit }: { after?: HistoryKey; limit: number }): Promise<HistoryKey[]> {
  const where = conditions(f);
  if (after) where.push(before(after));
  where.push(hitMatches);
  const result = await db.execute(sql`
    with ${wordHits(f)}
    select c.id, c.created_at::text as "createdAt"
    from hits h join conversations c on c.id = h.id ${needsContact(f) ? sql`join contacts ct on ct.id = c.contact_id` : sql``}
    ${whereOf(where)}
    order by c.created_at desc, c.id desc limit ${limit}`);
  return rowsOf<HistoryKey>(result);
}

const FIRST_WINDOW = 200;
const MAX_WINDOW = 5000;
const MAX_ROUNDS = 3;
/** A conversation found through the index costs about this many probed conversations. */
const INDEX_HIT_COST = 1.5;

/**
 * Conversations with the words, newest first: probe the newest conversations of the filter through
 * their own messages while that is cheap (common words fill a page within a few hundred), and switch
 * to the GIN index for the rest when the probes say the words are rare enough that their hits are
 * fewer than the conversations still to probe. Exact either way: each step covers a keyset range.
 */
async function findWordMatches(db: Db, f: HistoryFilter & { q: string }, { after, limit }: { after?: HistoryKey; limit: number }): Promise<HistoryKey[]> {
  const found: HistoryKey[] = [];
  let cursor = after;
  let window = Math.max(FIRST_WINDOW, limit * 4);
  let scanned = 0;
  let newest: number | null = null;
  for (let round = 1; ; round++) {
    const probe = await probeWindow(db, f, { after: cursor, window, limit: limit - found.length });
    found.push(...probe.hits);
    scanned += probe.scanned;
    newest ??= probe.newestEpoch;
    if (found.length >= limit || probe.scanned < window || !probe.oldest) return found.slice(0, limit);
    cursor = probe.oldest;
    // What is left: conversations older than the probed ones. From the probes' hit rate, estimate how
    // many more probes would fill the page, and how many hits the index would hand back instead
    // (for the period's days when it has few enough to list, else for the whole history).
    const oldest = probe.oldestEpoch ?? 0;
    const matched = Math.max(found.length, 0.5);
    const toProbe = ((limit - found.length) * scanned) / matched;
    const hitsPerSecond = matched / Math.max((newest ?? oldest) - oldest, 1);
    const indexedSeconds = periodDays(f)
      ? oldest - f.from!.getTime() / 1000
      : (f.to ? f.to.getTime() / 1000 : (newest ?? oldest)) - (probe.firstEpoch ?? oldest);
    if (hitsPerSecond * Math.max(indexedSeconds, 0) * INDEX_HIT_COST <= toProbe || round >= MAX_ROUNDS) {
      return [...found, ...(await indexedWordSearch(db, f, { after: cursor, limit: limit - found.length }))];
    }
    window = Math.min(MAX_WINDOW, Math.max(FIRST_WINDOW, Math.ceil(toProbe * 1.3)));
  }
}

/**
 * One page of conversations matching the filter, newest first, keyset-paged on (created_at, id):
 * conversations created after the first page was read never shift later pages.
 */
export async function searchHistory(
  db: Db,
  { filter, after, limit }: { filter: HistoryFilter; after?: HistoryKey; limit: number },
): Promise<HistoryRow[]> {
  if (filter.q) {
    const keys = await findWordMatches(db, { ...filter, q: filter.q }, { after, limit });
    if (!keys.length) return [];
    return selectPage(db, { where: [sql`c.id in (${sql.join(keys.map((k) => sql`${k.id}::uuid`), sql`, `)})`], limit });
  }
  const where = conditions(filter);
  if (after) where.push(before(after));
  return selectPage(db, { where, limit });
}

async function selectPage(db: Db, { where, limit }: { where: SQL[]; limit: number }): Promise<HistoryRow[]> {
  const result = await db.execute(sql`
    with page as (
      select c.id, c.created_at, c.status, c.language, c.assigned_at, c.first_response_at, c.closed_at, c.close_reason,
        c.channel_id, c.queue_id, c.assignee_id, c.contact_id, ct.name as contact_name, ct.phone as contact_phone
      from conversations c
      join contacts ct on ct.id = c.contact_id
      ${whereOf(where)}
      order by c.created_at desc, c.id desc
      limit ${limit}
    )
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
  if (!filter.q) {
    const result = await db.execute(sql`select count(*)::int as n from ${fromConversations(filter)} ${whereOf(where)}`);
    return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  }
  where.push(hitMatches);
  const result = await db.execute(sql`
    with ${wordHits({ ...filter, q: filter.q })}
    select count(*)::int as n
    from hits h join conversations c on c.id = h.id ${needsContact(filter) ? sql`join contacts ct on ct.id = c.contact_id` : sql``}
    ${whereOf(where)}`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

/** Whether the agent was assigned the conversation or wrote in it (agents' own history). */
export async function isAgentsConversation(db: Db, { agentId, conversationId }: { agentId: string; conversationId: string }): Promise<boolean> {
  const result = await db.execute(sql`
    select 1 from conversations c where c.id = ${conversationId}::uuid and (c.assignee_id = ${agentId}::uuid
      or exists (select 1 from messages m where m.author_id = ${agentId}::uuid and m.conversation_id = c.id))`);
  return rowsOf(result).length > 0;
}

/**
 * Whether this is a CLOSED conversation of a contact the agent serves now: one with an open chat
 * assigned or offered to the agent, or waiting in a queue of theirs (as canSeeConversation). An
 * open conversation is never readable this way (a colleague's chat stays theirs).
 */
export async function agentServesContactOf(db: Db, { agentId, conversationId }: { agentId: string; conversationId: string }): Promise<boolean> {
  const result = await db.execute(sql`
    select 1 from conversations c join conversations open on open.contact_id = c.contact_id
    where c.id = ${conversationId}::uuid and c.status = 'closed' and open.status <> 'closed'
      and (open.assignee_id = ${agentId}::uuid or open.offered_to_id = ${agentId}::uuid
        or (open.status = 'waiting' and exists (
          select 1 from queue_members qm where qm.queue_id = open.queue_id and qm.user_id = ${agentId}::uuid)))
    limit 1`);
  return rowsOf(result).length > 0;
}
