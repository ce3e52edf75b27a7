import { getTableColumns, sql, type Table } from 'drizzle-orm';
import { rowsOf, type Db } from '../client';
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

/**
 * Files an inbound message in ONE statement (the webhook's hot path): upserts the contact by phone
 * (ProfileName refreshes the name), finds or opens the conversation on the one-open partial unique
 * index (moving its 24 h window), and inserts the message unless (channel, MessageSid) exists.
 * `message` is null for a duplicate: the caller rolls back so nothing changes.
 */
export async function fileInboundMessage(
  db: Db,
  v: InboundRow,
): Promise<{ contact: Contact; conversation: Conversation; created: boolean; message: Message | null }> {
  const location = v.location ? JSON.stringify(v.location) : null;
  const result = await db.execute(sql`
    with c as (
      insert into contacts (phone, wa_id, name) values (${v.phone}, ${v.waId}, ${v.profileName})
      on conflict (phone) do update set
        name = coalesce(excluded.name, contacts.name),
        wa_id = coalesce(contacts.wa_id, excluded.wa_id),
        updated_at = now()
      returning *
    ), v as (
      insert into conversations (channel_id, contact_id, queue_id, status, language, last_inbound_at, last_message_at)
      select ${v.channelId}::uuid, c.id, ${v.queueId}::uuid, 'waiting', coalesce(c.language, ${v.channelLanguage}), now(), now() from c
      on conflict (channel_id, contact_id) where status <> 'closed' do update set
        last_inbound_at = now(), last_message_at = now(), updated_at = now()
      returning *, (xmax = 0) as created
    ), m as (
      insert into messages (conversation_id, channel_id, direction, kind, body, status, provider_message_id, location, raw, reply_to_provider_id, reply_to_id)
      select v.id, ${v.channelId}::uuid, 'inbound', ${v.kind}::message_kind, ${v.body}, 'received', ${v.providerMessageId},
        ${location}::jsonb, ${JSON.stringify(v.raw)}::jsonb, ${v.replyToProviderId},
        ${
          v.replyToProviderId
            ? sql`(select r.id from messages r where r.channel_id = ${v.channelId}::uuid and r.provider_message_id = ${v.replyToProviderId} limit 1)`
            : sql`null::uuid`
        }
      from v
      on conflict (channel_id, provider_message_id) do nothing
      returning ${MESSAGE_RETURNING}
    )
    select row_to_json(c) as contact, row_to_json(v) as conversation, (select row_to_json(m) from m) as message
    from c, v
  `);
  type Json = Record<string, unknown>;
  const [row] = rowsOf<{ contact: Json | string; conversation: Json | string; message: Json | string | null }>(result);
  // Drivers differ on whether json comes parsed.
  const obj = (v: Json | string) => (typeof v === 'string' ? (JSON.parse(v) as Json) : v);
  const conv = obj(row!.conversation);
  return {
    contact: fromJson<Contact>(contacts, obj(row!.contact)),
    conversation: fromJson<Conversation>(conversations, conv),
    created: conv.created === true,
    message: row!.message ? fromJson<Message>(messages, obj(row!.message)) : null,
  };
}
