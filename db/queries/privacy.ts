import { asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../client';
import {
  attachments as attachmentsTable,
  channels,
  contacts,
  conversations,
  erasures,
  messages,
  queues,
  users,
  type Attachment,
  type Contact,
  type Conversation,
  type Erasure,
  type Message,
} from '../schema';

/** The one contact every erased contact's conversation skeletons point to: no number, no name. */
export const ERASED_PHONE = 'erased';

export type ContactCounts = { conversations: number; openConversations: number; messages: number; attachments: number };
export type ContactRow = Contact & ContactCounts;

const countsOf = (contactId: SQL) => sql`
  (select count(*)::int from conversations c where c.contact_id = ${contactId}) as conversations,
  (select count(*)::int from conversations c where c.contact_id = ${contactId} and c.status <> 'closed') as "openConversations",
  (select count(*)::int from messages m join conversations c on c.id = m.conversation_id where c.contact_id = ${contactId}) as messages,
  (select count(*)::int from attachments a join messages m on m.id = a.message_id join conversations c on c.id = m.conversation_id
    where c.contact_id = ${contactId}) as attachments`;

type RawContact = { id: string; wa_id: string | null; phone: string; name: string | null; language: string | null; created_at: string | Date; updated_at: string | Date } & ContactCounts;
const toRow = (r: RawContact): ContactRow => ({
  id: r.id,
  waId: r.wa_id,
  phone: r.phone,
  name: r.name,
  language: r.language,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  conversations: Number(r.conversations),
  openConversations: Number(r.openConversations),
  messages: Number(r.messages),
  attachments: Number(r.attachments),
});

/** Contacts whose number (or WhatsApp id) contains the digits of `q`, or whose name has its words as prefixes. */
export async function findContacts(db: Db, { q, limit }: { q: string; limit: number }): Promise<ContactRow[]> {
  const digits = q.replace(/\D/g, '');
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const nameQuery = words.length ? words.slice(0, 8).map((w) => `${w}:*`).join(' & ') : null;
  const byNumber = digits.length >= 3 ? sql`(ct.phone like ${'%' + digits + '%'} or ct.wa_id like ${'%' + digits + '%'})` : sql`false`;
  const byName = nameQuery
    ? sql`to_tsvector('simple'::regconfig, coalesce(ct.name, '')) @@ to_tsquery('simple'::regconfig, ${nameQuery})`
    : sql`false`;
  const result = await db.execute(sql`
    select ct.*, ${countsOf(sql`ct.id`)}
    from contacts ct
    where ct.phone <> ${ERASED_PHONE} and (${byNumber} or ${byName})
    order by ct.updated_at desc, ct.id limit ${limit}`);
  return rowsOf<RawContact>(result).map(toRow);
}

export async function getContactWithCounts(db: Db, { id }: { id: string }): Promise<ContactRow | undefined> {
  const result = await db.execute(sql`
    select ct.*, ${countsOf(sql`ct.id`)} from contacts ct where ct.id = ${id}::uuid and ct.phone <> ${ERASED_PHONE}`);
  const [row] = rowsOf<RawContact>(result);
  return row ? toRow(row) : undefined;
}

export async function lockContact(db: Db, { id }: { id: string }): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id)).for('update').limit(1);
  return row && row.phone !== ERASED_PHONE ? row : undefined;
}

export async function listOpenConversationIds(db: Db, { contactId }: { contactId: string }): Promise<string[]> {
  const result = await db.execute(sql`select id from conversations where contact_id = ${contactId}::uuid and status <> 'closed'`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** The placeholder contact erased conversations are moved to (created the first time). */
export async function erasedPlaceholderId(db: Db): Promise<string> {
  const [row] = await db
    .insert(contacts)
    .values({ phone: ERASED_PHONE, name: 'Erased contact' })
    .onConflictDoUpdate({ target: contacts.phone, set: { updatedAt: sql`${contacts.updatedAt}` } })
    .returning({ id: contacts.id });
  return row!.id;
}

const count = async (db: Db, query: SQL): Promise<number> => Number(rowsOf<{ n: number }>(await db.execute(query))[0]?.n ?? 0);

/** How many rows a delete removed and the media files they referred to (`returning storage_key`). */
async function deletedKeys(db: Db, query: SQL): Promise<{ n: number; keys: string[] }> {
  const rows = rowsOf<{ storage_key: string | null }>(await db.execute(query));
  return { n: rows.length, keys: rows.map((r) => r.storage_key).filter((k): k is string => !!k) };
}

export type ErasedRows = {
  counts: { conversations: number; messages: number; attachments: number; events: number; statusCallbacks: number; simulatorMessages: number; auditEntriesRedacted: number };
  storageKeys: string[];
};

/**
 * Removes everything that says who the contact is or what was said, inside the caller's transaction:
 * message content (body, raw provider fields, location, template variables: the search vector is
 * generated from the body, so it empties too), attachments, outbox events of their conversations,
 * status callbacks, simulator rows, the number in audit entries of history exports, and the contact.
 * The conversations and the messages' skeletons (direction, kind, status, error code, times) stay,
 * moved to the placeholder contact: reports are computed from them.
 */
export async function eraseContactRows(db: Db, { contact, placeholderId }: { contact: Contact; placeholderId: string }): Promise<ErasedRows> {
  const id = contact.id;
  const convs = sql`(select id from conversations where contact_id = ${id}::uuid)`;
  const msgs = sql`(select id from messages where conversation_id in ${convs})`;
  const waFrom = `whatsapp:${contact.phone}`;
  const deleted = await deletedKeys(db, sql`delete from attachments where message_id in ${msgs} returning storage_key`);
  const statusCallbacks = await count(db, sql`
    with d as (delete from status_callbacks s
      where (s.channel_id, s.provider_message_id) in (select channel_id, provider_message_id from messages where conversation_id in ${convs} and provider_message_id is not null)
        or s.raw->>'To' = ${waFrom} or s.raw->>'From' = ${waFrom}
      returning 1)
    select count(*)::int as n from d`);
  const messages = await count(db, sql`
    with u as (update messages set body = null, raw = null, location = null, template_variables = null, updated_at = now(),
        -- A reply still waiting to be sent is not sent with its text gone: the send job skips what is not pending.
        status = case when status = 'pending' then 'failed'::message_status else status end,
        error_reason = case when status = 'pending' then 'The contact was erased before this was sent.' else error_reason end
      where conversation_id in ${convs} returning 1)
    select count(*)::int as n from u`);
  const events = await count(db, sql`with d as (delete from events where conversation_id in ${convs} returning 1) select count(*)::int as n from d`);
  const simKeys = rowsOf<{ storage_key: string | null; n: number }>(
    await db.execute(sql`
      with d as (delete from simulator_messages where customer_phone = ${contact.phone} returning media)
      select (select count(*)::int from d) as n, k.storage_key from (select null::text as storage_key union all
        select x->>'storageKey' from d, jsonb_array_elements(d.media) x) k`),
  );
  const simulatorMessages = Number(simKeys[0]?.n ?? 0);
  const auditEntriesRedacted = await count(db, sql`
    with u as (update audit_log set after = jsonb_set(after, '{filter,contactPhone}', '"[erased]"')
      where entity = 'history' and after->'filter'->>'contactPhone' in (${contact.phone}, ${contact.waId ?? contact.phone}) returning 1)
    select count(*)::int as n from u`);
  const conversations = await count(db, sql`
    with u as (update conversations set contact_id = ${placeholderId}::uuid, updated_at = now() where contact_id = ${id}::uuid returning 1)
    select count(*)::int as n from u`);
  await db.delete(contacts).where(eq(contacts.id, id));
  return {
    counts: { conversations, messages, attachments: deleted.n, events, statusCallbacks, simulatorMessages, auditEntriesRedacted },
    storageKeys: [...new Set([...deleted.keys, ...simKeys.map((r) => r.storage_key).filter((k): k is string => !!k)])],
  };
}

/** Of `keys`, the media files some attachment or simulator message still refers to (kept on disk). */
export async function storageKeysInUse(db: Db, { keys }: { keys: string[] }): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const result = await db.execute(sql`
    select k from unnest(${`{${keys.join(',')}}`}::text[]) k
    where exists (select 1 from attachments a where a.storage_key = k)
      or exists (select 1 from simulator_messages s where s.media @> jsonb_build_array(jsonb_build_object('storageKey', k)))`);
  return new Set(rowsOf<{ k: string }>(result).map((r) => r.k));
}

// ---- Retention ------------------------------------------------------------------------------

export async function listChannelsWithRetention(db: Db): Promise<{ id: string; retentionDays: number }[]> {
  const result = await db.execute(sql`select id, retention_days as "retentionDays" from channels where retention_days is not null order by created_at`);
  return rowsOf<{ id: string; retentionDays: number }>(result).map((r) => ({ id: r.id, retentionDays: Number(r.retentionDays) }));
}

/** Where a retention run has got to: every message written at or before this was handled. */
export type RetentionKey = { createdAt: string };

/**
 * One batch of a channel's retention: about `limit` messages (oldest first, after `after`) written
 * before `cutoff` in closed conversations that still hold content, stripped to their skeleton and their
 * attachments deleted. A batch ends on a whole timestamp (messages of the same microsecond all go in
 * it), so the next one starts with `created_at > last` on messages_channel_created_idx instead of
 * re-reading ties. Returns the last key for the next batch (null when this was the last).
 */
export async function stripOldMessages(
  db: Db,
  { channelId, cutoff, after, limit }: { channelId: string; cutoff: Date; after: RetentionKey | null; limit: number },
): Promise<{ messages: number; attachments: number; storageKeys: string[]; last: RetentionKey | null }> {
  const pending = sql`m.channel_id = ${channelId}::uuid and m.created_at < ${cutoff.toISOString()}::timestamptz
    ${after ? sql`and m.created_at > ${after.createdAt}::timestamptz` : sql``}
    and c.status = 'closed'
    and (m.body is not null or m.raw is not null or m.location is not null or m.template_variables is not null
      or exists (select 1 from attachments a where a.message_id = m.id))`;
  const [bound] = rowsOf<{ createdAt: string }>(
    await db.execute(sql`
      select m.created_at::text as "createdAt" from messages m join conversations c on c.id = m.conversation_id
      where ${pending} order by m.created_at offset ${limit - 1} limit 1`),
  );
  const result = await db.execute(sql`
    select m.id from messages m join conversations c on c.id = m.conversation_id
    where ${pending} ${bound ? sql`and m.created_at <= ${bound.createdAt}::timestamptz` : sql``}
    for update of m skip locked`);
  const rows = rowsOf<{ id: string }>(result);
  if (!rows.length) return { messages: 0, attachments: 0, storageKeys: [], last: null };
  const ids = sql`(select unnest(${`{${rows.map((r) => r.id).join(',')}}`}::uuid[]))`;
  const deleted = await deletedKeys(db, sql`delete from attachments where message_id in ${ids} returning storage_key`);
  await db.execute(sql`update messages set body = null, raw = null, location = null, template_variables = null, updated_at = now() where id in ${ids}`);
  return { messages: rows.length, attachments: deleted.n, storageKeys: deleted.keys, last: bound ? { createdAt: bound.createdAt } : null };
}

/** Outbox events, status callbacks and simulator rows of a channel older than `cutoff` (closed conversations' events only). */
export async function deleteOldChannelRows(
  db: Db,
  { channelId, cutoff, limit }: { channelId: string; cutoff: Date; limit: number },
): Promise<{ events: number; statusCallbacks: number; simulatorMessages: number; storageKeys: string[] }> {
  const at = sql`${cutoff.toISOString()}::timestamptz`;
  const events = await count(db, sql`
    with d as (delete from events where id in (select e.id from events e join conversations c on c.id = e.conversation_id
      where c.channel_id = ${channelId}::uuid and c.status = 'closed' and e.created_at < ${at} limit ${limit}) returning 1)
    select count(*)::int as n from d`);
  const statusCallbacks = await count(db, sql`
    with d as (delete from status_callbacks where id in (select id from status_callbacks
      where channel_id = ${channelId}::uuid and created_at < ${at} limit ${limit}) returning 1)
    select count(*)::int as n from d`);
  const sim = rowsOf<{ n: number; storage_key: string | null }>(
    await db.execute(sql`
      with d as (delete from simulator_messages where id in (select id from simulator_messages
        where channel_id = ${channelId}::uuid and created_at < ${at} limit ${limit}) returning media)
      select (select count(*)::int from d) as n, k.storage_key from (select null::text as storage_key union all
        select x->>'storageKey' from d, jsonb_array_elements(d.media) x) k`),
  );
  return {
    events,
    statusCallbacks,
    simulatorMessages: Number(sim[0]?.n ?? 0),
    storageKeys: sim.map((r) => r.storage_key).filter((k): k is string => !!k),
  };
}

// ---- Receipts -------------------------------------------------------------------------------

export async function insertErasure(db: Db, values: typeof erasures.$inferInsert): Promise<Erasure> {
  const [row] = await db.insert(erasures).values(values).returning();
  return row!;
}

/** A retention batch's progress, in the batch's transaction: its counts added, its files to delete queued. */
export async function addToErasure(db: Db, { id, counts, storageKeys }: { id: string; counts: Record<string, number>; storageKeys: string[] }): Promise<void> {
  const add = Object.entries(counts).map(([k, n]) => sql`${k}::text, coalesce((${erasures.counts}->>${k})::int, 0) + ${n}::int`);
  await db
    .update(erasures)
    .set({
      counts: sql`${erasures.counts} || jsonb_build_object(${sql.join(add, sql`, `)})`,
      pendingStorageKeys: sql`${erasures.pendingStorageKeys} || ${`{${storageKeys.join(',')}}`}::text[]`,
    })
    .where(eq(erasures.id, id));
}

/** After the files were deleted: counted, and no longer pending. */
export async function settleErasureFiles(db: Db, { id, keys, removed }: { id: string; keys: string[]; removed: number }): Promise<void> {
  await db
    .update(erasures)
    .set({
      filesRemoved: sql`${erasures.filesRemoved} + ${removed}::int`,
      pendingStorageKeys: sql`array(select k from unnest(${erasures.pendingStorageKeys}) k where k <> all(${`{${keys.join(',')}}`}::text[]))`,
    })
    .where(eq(erasures.id, id));
}

export async function finishErasure(db: Db, { id }: { id: string }): Promise<void> {
  await db.update(erasures).set({ finishedAt: sql`now()` }).where(eq(erasures.id, id));
}

/** Receipts whose files a crash left on disk. */
export async function listErasuresWithPendingFiles(db: Db): Promise<Erasure[]> {
  return db.select().from(erasures).where(sql`cardinality(${erasures.pendingStorageKeys}) > 0`).limit(100);
}

export async function getErasureById(db: Db, { id }: { id: string }): Promise<Erasure | undefined> {
  const [row] = await db.select().from(erasures).where(eq(erasures.id, id)).limit(1);
  return row;
}

export async function listErasures(db: Db, { kind, limit }: { kind?: Erasure['kind']; limit: number }): Promise<Erasure[]> {
  return db
    .select()
    .from(erasures)
    .where(kind ? eq(erasures.kind, kind) : undefined)
    .orderBy(desc(erasures.createdAt), desc(erasures.id))
    .limit(limit);
}

// ---- Export ---------------------------------------------------------------------------------

export type ContactConversationRow = Conversation & { channelName: string; channelNumber: string; queueName: string; messageCount: number };

export async function listContactConversations(db: Db, { contactId }: { contactId: string }): Promise<ContactConversationRow[]> {
  const rows = await db
    .select({
      c: conversations,
      channelName: channels.name,
      channelNumber: channels.phoneNumber,
      queueName: queues.name,
      messageCount: sql<number>`(select count(*)::int from messages m where m.conversation_id = ${conversations.id})`,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(queues, eq(queues.id, conversations.queueId))
    .where(eq(conversations.contactId, contactId))
    .orderBy(desc(conversations.createdAt), desc(conversations.id));
  return rows.map((r) => ({ ...r.c, channelName: r.channelName, channelNumber: r.channelNumber, queueName: r.queueName, messageCount: Number(r.messageCount) }));
}

export async function listConversationsMessages(
  db: Db,
  { conversationIds }: { conversationIds: string[] },
): Promise<{ messages: (Message & { authorName: string | null })[]; attachments: Attachment[] }> {
  if (!conversationIds.length) return { messages: [], attachments: [] };
  const rows = await db
    .select({ m: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(inArray(messages.conversationId, conversationIds))
    .orderBy(asc(messages.seq));
  const ids = rows.map((r) => r.m.id);
  const atts = ids.length
    ? await db.select().from(attachmentsTable).where(inArray(attachmentsTable.messageId, ids)).orderBy(asc(attachmentsTable.position))
    : [];
  return { messages: rows.map((r) => ({ ...r.m, authorName: r.authorName })), attachments: atts };
}
