// The built-in simulator (plays Twilio and the customer's phone).
import { type InferSelectModel } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';
import { channels } from './channels';
import { type MessageLocation } from './conversations';

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
