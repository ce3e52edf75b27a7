import { getTableColumns, sql, type Table } from 'drizzle-orm';
import { executePrepared, rowsOf, type Db } from '../client';
import { contacts, conversations, messages, type Contact, type Conversation, type Message, type MessageLocation } from '../schema';

export type InboundRow = {
  channelId: string;
  queueId: string;
  channelLanguage: string;
  phone: string;
  waId: string | null;
  profileName: string | null;
  kind: Message['kind'];
  body: string | null;
  providerMessageId: string;
  location: MessageLocation | null;
  raw: Record<string, string>;
  replyToProviderId: string | null;
};

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A row from `row_to_json` (snake_case, timestamps as text) as Drizzle would have returned it. */
function fromJson<T>(table: Table, json: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const v = json[snake(key)];
    out[key] = v === undefined ? null : column.columnType === 'PgTimestamp' && typeof v === 'string' ? new Date(v) : v;
  }
  return out as T;
}

// The message columns sent back (not the search vector, which only the history search reads).
const MESSAGE_RETURNING = sql.raw(
  Object.keys(getTableColumns(messages))
    .filter((k) => k !== 'searchVector')
    .map((k) => `"${snake(k)}"`)
    .join(', '),
);

export type FiledInbound =
  | { message: null }
  | { message: Message; contact: Contact; conversation: Conversation; created: boolean };

/**
 * Files a batch of inbound messages in ONE statement (the webhook's hot path: a busy server files
 * many webhooks per round trip). For every message not stored yet: upserts the contact by phone
 * (ProfileName refreshes the name), finds or opens the conversation on the one-open partial unique
 * index (moving its 24 h window), and inserts the message unless (channel, MessageSid) exists.
 * Returns one result per input, in order; `message` is null for a duplicate (stored before, or an
 * earlier input of the same batch), which touches nothing.
 * Rows are locked in a fixed order (contacts by phone, conversations by channel and contact), so
 * concurrent batches on several processes cannot deadlock.
 * `cachePlan`: let Postgres keep the statement's plan (executePrepared), which saves planning it on
 * every call (as much database time as running it), once `messagesTableIsGrown`. Its two lookups of
 * messages by MessageSid are the only plan choices that depend on table size, and a plan made while
 * the table held a few rows scans all of it (or all of a channel's messages) until the next ANALYZE.
 */
export async function fileInboundMessages(db: Db, rows: InboundRow[], { cachePlan = false } = {}): Promise<FiledInbound[]> {
  if (!rows.length) return [];
  const input = rows.map((v, i) => ({
    i,
    channel_id: v.channelId,
    queue_id: v.queueId,
    channel_language: v.channelLanguage,
    phone: v.phone,
    wa_id: v.waId,
    profile_name: v.profileName,
    kind: v.kind,
    body: v.body,
    provider_message_id: v.providerMessageId,
    location: v.location,
    raw: v.raw,
    reply_to_provider_id: v.replyToProviderId,
  }));
  const result = await executePrepared(
    db,
    sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(
        i int, channel_id uuid, queue_id uuid, channel_language text, phone text, wa_id text, profile_name text,
        kind message_kind, body text, provider_message_id text, location jsonb, raw jsonb, reply_to_provider_id text)
    ), fresh as (
      -- A lateral probe per input row, never a hash anti-join over all messages (the planner
      -- guesses 100 input rows for jsonb_to_recordset and would scan the whole table).
      select distinct on (x.channel_id, x.provider_message_id) x.* from input x
      left join lateral (
        select d.id from messages d where d.channel_id = x.channel_id and d.provider_message_id = x.provider_message_id limit 1
      ) dup on true
      where dup.id is null
      order by x.channel_id, x.provider_message_id, x.i
    ), c as (
      insert into contacts (phone, wa_id, name)
      select distinct on (f.phone) f.phone, f.wa_id, f.profile_name from fresh f order by f.phone, f.i desc
      on conflict (phone) do update set
        name = coalesce(excluded.name, contacts.name),
        wa_id = coalesce(contacts.wa_id, excluded.wa_id),
        updated_at = now()
      returning *
    ), v as (
      insert into conversations (channel_id, contact_id, queue_id, status, language, last_inbound_at, last_message_at)
      select distinct on (f.channel_id, c.id) f.channel_id, c.id, f.queue_id, 'waiting', coalesce(c.language, f.channel_language), now(), now()
      from fresh f join c on c.phone = f.phone
      order by f.channel_id, c.id
      on conflict (channel_id, contact_id) where status <> 'closed' do update set
        last_inbound_at = now(), last_message_at = now(), updated_at = now()
      returning *, (xmax = 0) as created
    ), m as (
      insert into messages (conversation_id, channel_id, direction, kind, body, status, provider_message_id, location, raw, reply_to_provider_id, reply_to_id, created_at, updated_at)
      select v.id, f.channel_id, 'inbound', f.kind, f.body, 'received', f.provider_message_id, f.location, f.raw, f.reply_to_provider_id,
        case when f.reply_to_provider_id is null then null else
          (select r.id from messages r where r.channel_id = f.channel_id and r.provider_message_id = f.reply_to_provider_id limit 1) end,
        clock_timestamp(), clock_timestamp()
      from fresh f join c on c.phone = f.phone join v on v.channel_id = f.channel_id and v.contact_id = c.id
      order by f.i
      on conflict (channel_id, provider_message_id) do nothing
      returning ${MESSAGE_RETURNING}
    )
    select (select json_agg(row_to_json(c)) from c) as contacts,
      (select json_agg(row_to_json(v)) from v) as conversations,
      (select json_agg(row_to_json(m)) from m) as messages
  `,
    { cachePlan },
  );
  type Json = Record<string, unknown>;
  const [row] = (result as { contacts: Json[] | string | null; conversations: Json[] | string | null; messages: Json[] | string | null }[]);
  // Drivers differ on whether json comes parsed.
  const list = (v: Json[] | string | null | undefined): Json[] => (typeof v === 'string' ? (JSON.parse(v) as Json[]) : (v ?? []));
  const contactByPhone = new Map(list(row?.contacts).map((j) => [j.phone as string, fromJson<Contact>(contacts, j)]));
  const conversationByKey = new Map(
    list(row?.conversations).map((j) => [`${j.channel_id as string}/${j.contact_id as string}`, { conversation: fromJson<Conversation>(conversations, j), created: j.created === true }]),
  );
  const messageBySid = new Map(list(row?.messages).map((j) => [`${j.channel_id as string}/${j.provider_message_id as string}`, fromJson<Message>(messages, j)]));
  return rows.map((v) => {
    const key = `${v.channelId}/${v.providerMessageId}`;
    const message = messageBySid.get(key);
    if (!message) return { message: null };
    messageBySid.delete(key); // a later input with the same sid is a duplicate
    const contact = contactByPhone.get(v.phone)!;
    const conv = conversationByKey.get(`${v.channelId}/${contact.id}`)!;
    return { message, contact, conversation: conv.conversation, created: conv.created };
  });
}

/**
 * Past this size, a plan made for the messages table looks messages up by their unique index even
 * before any ANALYZE (measured with Postgres 15: from ~300 rows, 160 kB; at 100 rows it walked a
 * channel's messages).
 */
const GROWN_BYTES = 512 * 1024;

/** Whether the messages table is past 512 kB (about 500 messages): see fileInboundMessages. */
export async function messagesTableIsGrown(db: Db): Promise<boolean> {
  const [row] = rowsOf<{ grown: boolean }>(await db.execute(sql`select pg_relation_size('messages') >= ${GROWN_BYTES} as grown`));
  return row?.grown === true;
}
