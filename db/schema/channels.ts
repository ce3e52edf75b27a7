// WhatsApp numbers and what is sent through them: channels, approved templates, quick replies, send pacing.
import { sql, type InferSelectModel } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';
import { environmentEnum, providerEnum, templateStatusEnum } from './enums';
import { queues } from './users';

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

// Sandbox pacing (Twilio sandbox: one message per 3 s per number): when each channel last sent.
// A sender leases the row (last_sent_at in the future) while its request is in flight.
export const channelSendSlots = pgTable('channel_send_slots', {
  channelId: uuid()
    .primaryKey()
    .references(() => channels.id, { onDelete: 'cascade' }),
  lastSentAt: timestamp({ withTimezone: true }).notNull(),
});
