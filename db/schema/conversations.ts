// Contacts, their conversations, messages and attachments, status callbacks, read marks, the event outbox.
import { sql, type InferSelectModel } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tsvector, createdAt, updatedAt } from './columns';
import { attachmentStatusEnum, conversationStatusEnum, directionEnum, messageKindEnum, messageStatusEnum } from './enums';
import { queues, users } from './users';
import { channels, templates } from './channels';

export const contacts = pgTable(
  'contacts',
  {
    id: uuid().primaryKey().defaultRandom(),
    waId: text(),
    phone: text().notNull(),
    name: text(),
    language: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('contacts_phone_key').on(t.phone),
    uniqueIndex('contacts_wa_id_key').on(t.waId),
    // History search by any word of the contact's name (prefix match).
    index('contacts_name_search_idx').using('gin', sql`to_tsvector('simple'::regconfig, coalesce(${t.name}, ''))`),
  ],
);
export type Contact = InferSelectModel<typeof contacts>;

export const conversations = pgTable(
  'conversations',
  {
    id: uuid().primaryKey().defaultRandom(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id),
    queueId: uuid()
      .notNull()
      .references(() => queues.id),
    assigneeId: uuid().references(() => users.id),
    status: conversationStatusEnum().notNull().default('waiting'),
    language: text().notNull(),
    // least_busy: the agent the chat is currently offered to, and since when (accept timeout).
    offeredToId: uuid().references(() => users.id),
    offeredAt: timestamp({ withTimezone: true }),
    lastInboundAt: timestamp({ withTimezone: true }),
    lastMessageAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    assignedAt: timestamp({ withTimezone: true }),
    firstResponseAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    closedById: uuid().references(() => users.id),
    closeReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // At most one open conversation per (channel, contact), whatever races the webhooks run.
    uniqueIndex('conversations_one_open_key')
      .on(t.channelId, t.contactId)
      .where(sql`${t.status} <> 'closed'`),
    index('conversations_queue_status_idx').on(t.queueId, t.status, t.createdAt),
    index('conversations_assignee_status_idx').on(t.assigneeId, t.status),
    index('conversations_contact_idx').on(t.contactId, t.createdAt),
    index('conversations_created_idx').on(t.createdAt),
    // Routing: an agent's load counts the chats offered to it (least_busy) as well as its active ones.
    index('conversations_offered_idx').on(t.offeredToId).where(sql`${t.offeredToId} is not null`),
    // History: keyset paging on (created_at, id), and filters by channel / assignee within a period.
    index('conversations_created_id_idx').on(t.createdAt, t.id),
    index('conversations_channel_created_idx').on(t.channelId, t.createdAt),
    index('conversations_assignee_created_idx').on(t.assigneeId, t.createdAt),
    index('conversations_closed_idx').on(t.closedAt),
  ],
);
export type Conversation = InferSelectModel<typeof conversations>;

export type MessageLocation = { latitude: number; longitude: number; address?: string; label?: string };

export const messages = pgTable(
  'messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    // Total order for paging and transcripts, also across messages created in the same millisecond.
    seq: bigint({ mode: 'number' }).generatedAlwaysAsIdentity(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id),
    channelId: uuid()
      .notNull()
      .references(() => channels.id),
    direction: directionEnum().notNull(),
    kind: messageKindEnum().notNull(),
    body: text(),
    status: messageStatusEnum().notNull(),
    errorCode: text(),
    errorReason: text(),
    providerMessageId: text(),
    clientId: text(),
    authorId: uuid().references(() => users.id),
    replyToId: uuid(),
    replyToProviderId: text(),
    location: jsonb().$type<MessageLocation>(),
    templateId: uuid().references(() => templates.id),
    templateVariables: jsonb().$type<Record<string, string>>(),
    raw: jsonb().$type<Record<string, string>>(),
    // Outbound sends (lib/conversations/send-job.ts). The row, not the job queue, says who may send:
    // a worker holds the send while send_lease_until is in the future (renewed as it works); an
    // attempt is marked started (committed) before the provider is called and cleared only when its
    // outcome is known, so one found started after a crash or a database cut is reconciled with the
    // provider before anything is sent again.
    sendLeaseId: uuid(),
    sendLeaseUntil: timestamp({ withTimezone: true }),
    sendAttemptStartedAt: timestamp({ withTimezone: true }),
    sendAttempts: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // History search. A generated column cannot read the conversation's language, so the vector
    // holds the English, Spanish and plain forms; the query picks the conversation's config.
    searchVector: tsvector().generatedAlwaysAs(
      sql`to_tsvector('english'::regconfig, coalesce(body, '')) || to_tsvector('spanish'::regconfig, coalesce(body, '')) || to_tsvector('simple'::regconfig, coalesce(body, ''))`,
    ),
  },
  (t) => [
    uniqueIndex('messages_provider_id_key').on(t.channelId, t.providerMessageId),
    uniqueIndex('messages_client_id_key').on(t.conversationId, t.clientId),
    index('messages_conversation_seq_idx').on(t.conversationId, t.seq),
    // Admin channel list: messages per channel in the last 24 h.
    index('messages_channel_created_idx').on(t.channelId, t.createdAt),
    // History word search: the words and the message's UTC day in one GIN index, so a search within
    // a period intersects both inside the index. Core GIN array ops: no btree_gin, which PGlite would have to load.
    index('messages_search_idx').using('gin', t.searchVector, sql`(array[(${t.createdAt} at time zone 'UTC')::date])`),
    // Reports: messages within a period.
    index('messages_created_idx').on(t.createdAt),
    index('messages_author_idx').on(t.authorId, t.conversationId).where(sql`${t.authorId} is not null`),
    index('messages_failed_idx').on(t.createdAt).where(sql`${t.status} in ('failed', 'undelivered')`),
    // The send sweeper: outbound messages not handed over yet.
    index('messages_pending_send_idx').on(t.sendLeaseUntil).where(sql`${t.status} = 'pending'`),
  ],
);
export type Message = InferSelectModel<typeof messages>;

export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey().defaultRandom(),
    messageId: uuid().references(() => messages.id, { onDelete: 'cascade' }),
    uploadedById: uuid().references(() => users.id),
    contentType: text(),
    size: bigint({ mode: 'number' }),
    sha256: text(),
    storageKey: text(),
    filename: text(),
    sourceUrl: text(),
    // Order within the message (Twilio's MediaUrl0, MediaUrl1, ...).
    position: integer().notNull().default(0),
    status: attachmentStatusEnum().notNull().default('pending'),
    failureReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('attachments_message_idx').on(t.messageId)],
);
export type Attachment = InferSelectModel<typeof attachments>;

// Every status callback as received (audit), and those for sids not recorded yet (applied later).
export const statusCallbacks = pgTable(
  'status_callbacks',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id),
    providerMessageId: text().notNull(),
    status: text().notNull(),
    errorCode: text(),
    raw: jsonb().$type<Record<string, string>>().notNull(),
    appliedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('status_callbacks_sid_idx').on(t.channelId, t.providerMessageId)],
);

// Outbox of domain events: realtime catch-up (auth.since) reads it; eventId = id.
export const events = pgTable(
  'events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    type: text().notNull(),
    queueId: uuid(),
    conversationId: uuid(),
    userId: uuid(),
    payload: jsonb().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('events_created_idx').on(t.createdAt)],
);
export type EventRow = InferSelectModel<typeof events>;

// How far each user has read each conversation (unread counts in the agent inbox).
export const conversationReads = pgTable(
  'conversation_reads',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    lastReadSeq: bigint({ mode: 'number' }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);
