// Erasure and retention receipts.
import { sql, type InferSelectModel } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { users } from './users';
import { channels } from './channels';

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
