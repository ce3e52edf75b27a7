// People and their access: users, queues and membership, sessions, API tokens, sign-in throttle, audit.
import { sql, type InferSelectModel, type InferInsertModel } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';
import { presenceEnum, roleEnum, routingRuleEnum } from './enums';

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
