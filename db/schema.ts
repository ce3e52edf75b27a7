import { sql, type InferSelectModel, type InferInsertModel } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  customType,
} from 'drizzle-orm/pg-core';

// Full-text search vector (history search); read with `@@`, never selected into DTOs.
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum('role', ['admin', 'supervisor', 'agent']);
export const presenceEnum = pgEnum('presence', ['available', 'away', 'offline']);
export const providerEnum = pgEnum('provider', ['twilio', 'simulator', 'meta']);
export const environmentEnum = pgEnum('environment', ['sandbox', 'production']);
export const routingRuleEnum = pgEnum('routing_rule', ['offer_all', 'least_busy']);
export const conversationStatusEnum = pgEnum('conversation_status', ['waiting', 'active', 'closed']);
export const directionEnum = pgEnum('direction', ['inbound', 'outbound']);
export const messageKindEnum = pgEnum('message_kind', [
  'text',
  'media',
  'location',
  'contacts',
  'button',
  'template',
  'system',
]);
// received: inbound. pending → queued < sent < delivered < read; failed/undelivered are terminal.
export const messageStatusEnum = pgEnum('message_status', [
  'received',
  'pending',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
]);
export const attachmentStatusEnum = pgEnum('attachment_status', ['pending', 'ready', 'failed']);
export const templateStatusEnum = pgEnum('template_status', [
  'approved',
  'pending',
  'rejected',
  'paused',
  'disabled',
  'unsubmitted',
]);

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    role: roleEnum().notNull().default('agent'),
    languages: text().array().notNull().default(sql`'{}'::text[]`),
    maxChats: integer().notNull().default(5),
    presence: presenceEnum().notNull().default('offline'),
    presenceChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastAssignedAt: timestamp({ withTimezone: true }),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);
export type User = InferSelectModel<typeof users>;
export type NewUser = InferInsertModel<typeof users>;

export const queues = pgTable('queues', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  routingRule: routingRuleEnum().notNull().default('offer_all'),
  completionTimeoutMinutes: integer(),
  acceptTimeoutSeconds: integer(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
export type Queue = InferSelectModel<typeof queues>;

export const queueMembers = pgTable(
  'queue_members',
  {
    queueId: uuid()
      .notNull()
      .references(() => queues.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.userId] }), index('queue_members_user_idx').on(t.userId)],
);
export type QueueMember = InferSelectModel<typeof queueMembers>;

export const channels = pgTable(
  'channels',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    provider: providerEnum().notNull(),
    phoneNumber: text().notNull(),
    accountSid: text(),
    // AES-GCM ciphertext of the provider's auth token (lib/crypto.ts); never the plain token.
    authTokenEncrypted: text(),
    queueId: uuid()
      .notNull()
      .references(() => queues.id),
    language: text().notNull().default('en'),
    defaultCountry: text().notNull().default('US'),
    environment: environmentEnum().notNull().default('production'),
    active: boolean().notNull().default(true),
    // Messages' content and media of closed conversations older than this many days are removed
    // by the daily retention job (lib/privacy/retention.ts); null keeps them forever.
    retentionDays: integer(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('channels_provider_number_key').on(t.provider, t.phoneNumber)],
);
export type Channel = InferSelectModel<typeof channels>;

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

export const templates = pgTable(
  'templates',
  {
    id: uuid().primaryKey().defaultRandom(),
    channelId: uuid().references(() => channels.id, { onDelete: 'cascade' }),
    contentSid: text().notNull(),
    name: text().notNull(),
    language: text().notNull().default('en'),
    category: text(),
    body: text().notNull(),
    variables: jsonb().$type<Record<string, string>>().notNull().default({}),
    status: templateStatusEnum().notNull().default('unsubmitted'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('templates_content_sid_key').on(t.contentSid)],
);
export type Template = InferSelectModel<typeof templates>;

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

export const quickReplies = pgTable(
  'quick_replies',
  {
    id: uuid().primaryKey().defaultRandom(),
    shortcut: text().notNull(),
    language: text().notNull(),
    text: text().notNull(),
    // null: every queue
    queueIds: uuid().array(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('quick_replies_shortcut_language_key').on(sql`lower(${t.shortcut})`, t.language)],
);
export type QuickReply = InferSelectModel<typeof quickReplies>;

// login: made by POST /api/v1/auth/token with a password (ends with a password change);
// integration: made by an admin in Settings → API tokens (survives a password reset).
export const apiTokenKindEnum = pgEnum('api_token_kind', ['login', 'integration']);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    kind: apiTokenKindEnum().notNull().default('integration'),
    // sha256 of the token; the token itself is shown once and never stored.
    tokenHash: text().notNull().unique(),
    lastUsedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);
export type ApiToken = InferSelectModel<typeof apiTokens>;

// A signed-in browser: the session JWT carries this row's id, so signing out, a password change
// or "sign out everywhere" ends it on the server, not only in the browser.
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    // For the admin's list only ("Chrome on Windows, 203.0.113.7"); never used to decide access.
    userAgent: text(),
    ip: text(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
export type Session = InferSelectModel<typeof sessions>;

// Sign-in throttle counters (rate-limiter-flexible's Drizzle store: key, points, expire).
// Keys are hashes of the email and/or address; rows expire and are swept by the limiter.
export const rateLimits = pgTable('rate_limits', {
  key: text().primaryKey(),
  points: integer().notNull().default(0),
  expire: timestamp({ withTimezone: true }),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    actorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: text(),
    before: jsonb(),
    after: jsonb(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId), index('audit_log_created_idx').on(t.createdAt)],
);

// What an erasure removed (kind contact: one customer, on an admin's request) or a retention run
// (kind retention: one channel's old content): counts and ids only, never what was said. The receipt.
export const erasureKindEnum = pgEnum('erasure_kind', ['contact', 'retention']);
export const erasures = pgTable(
  'erasures',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: erasureKindEnum().notNull(),
    // The erased contact's former id (the row itself is gone).
    contactId: uuid(),
    channelId: uuid().references(() => channels.id, { onDelete: 'cascade' }),
    actorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    // retention: content older than this was removed.
    cutoff: timestamp({ withTimezone: true }),
    counts: jsonb().$type<Record<string, number>>().notNull(),
    filesRemoved: integer().notNull().default(0),
    // Media files whose rows are gone but which are still on disk: written in the transaction that
    // removed the rows, cleared once deleted. The daily job finishes any a crash left behind.
    pendingStorageKeys: text().array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    // null while a retention run is still going (or died: the next run starts a new receipt).
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('erasures_kind_created_idx').on(t.kind, t.createdAt), index('erasures_channel_idx').on(t.channelId, t.createdAt)],
);
export type Erasure = InferSelectModel<typeof erasures>;

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

// Sandbox pacing (Twilio sandbox: one message per 3 s per number): when each channel last sent.
// A sender leases the row (last_sent_at in the future) while its request is in flight.
export const channelSendSlots = pgTable('channel_send_slots', {
  channelId: uuid()
    .primaryKey()
    .references(() => channels.id, { onDelete: 'cascade' }),
  lastSentAt: timestamp({ withTimezone: true }).notNull(),
});

// Simulator channels (lib/simulator): what the fake Twilio sent to and received from simulated phones.
export type SimulatorMedia = { sid: string; url: string; contentType: string; filename?: string; storageKey?: string; size?: number };
export const simulatorMessages = pgTable(
  'simulator_messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    // Twilio message sid (SM…/MM…): unique across Twilio, so across channels here too.
    sid: text().notNull().unique(),
    // to_customer: sent by Parley through the fake Messages API; from_customer: typed on the simulated phone.
    direction: text().$type<'to_customer' | 'from_customer'>().notNull(),
    customerPhone: text().notNull(),
    profileName: text(),
    body: text(),
    contentSid: text(),
    contentVariables: jsonb().$type<Record<string, string>>(),
    // Quick-reply buttons of the template sent (sample templates of simulator accounts).
    templateActions: jsonb().$type<{ title: string; id: string }[]>(),
    media: jsonb().$type<SimulatorMedia[]>().notNull().default([]),
    location: jsonb().$type<MessageLocation>(),
    button: jsonb().$type<{ text: string; payload: string }>(),
    replyToSid: text(),
    // to_customer: queued < sent < delivered < read | failed; from_customer: sending | accepted | rejected.
    status: text().notNull(),
    errorCode: text(),
    statusCallback: text(),
    // from_customer: the HTTP status Parley's webhook answered.
    webhookStatus: integer(),
    raw: jsonb().$type<Record<string, string | string[]>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('simulator_messages_customer_idx').on(t.channelId, t.customerPhone, t.createdAt),
    index('simulator_messages_updated_idx').on(t.channelId, t.updatedAt),
  ],
);
export type SimulatorMessage = InferSelectModel<typeof simulatorMessages>;

// Per simulator channel: "fail the next send with this Twilio error code".
export const simulatorSwitches = pgTable('simulator_switches', {
  channelId: uuid()
    .primaryKey()
    .references(() => channels.id, { onDelete: 'cascade' }),
  failNextErrorCode: text(),
  updatedAt: updatedAt(),
});

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
