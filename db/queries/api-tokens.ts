import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { apiTokens, users, type ApiToken, type User } from '../schema';

export async function insertApiToken(
  db: Db,
  values: { userId: string; name: string; kind?: ApiToken['kind']; tokenHash: string; expiresAt?: Date | null },
): Promise<ApiToken> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

/** The active user behind a live (not revoked, not expired) token hash, and the token's id; marks the token used. */
export async function findUserByApiToken(db: Db, { tokenHash }: { tokenHash: string }): Promise<{ user: User; tokenId: string } | undefined> {
  const [row] = await db
    .select({ user: users, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
        eq(users.active, true),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  // "Last used" to the minute: no write on every API call.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, row.tokenId));
  }
  return { user: row.user, tokenId: row.tokenId };
}

/** Whether this token still works for an active user (realtime re-checks a socket's token with it). */
export async function findUserByApiTokenId(db: Db, { id }: { id: string }): Promise<User | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)), eq(users.active, true)))
    .limit(1);
  return row?.user;
}

/** Every token (login and integration), newest first. */
export async function listApiTokenRows(db: Db) {
  return db
    .select({ token: apiTokens, userName: users.name, userEmail: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .orderBy(sql`${apiTokens.createdAt} desc`);
}

/** Revokes a user's live tokens of one kind; answers how many. */
export async function revokeUserApiTokens(db: Db, { userId, kind }: { userId: string; kind: ApiToken['kind'] }): Promise<number> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.userId, userId), eq(apiTokens.kind, kind), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}

export async function getApiTokenById(db: Db, { id }: { id: string }): Promise<ApiToken | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
  return row;
}

export async function revokeApiTokenRow(db: Db, { id }: { id: string }): Promise<ApiToken | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(eq(apiTokens.id, id))
    .returning();
  return row;
}
