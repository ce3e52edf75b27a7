import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { apiTokens, users, type ApiToken, type User } from '../schema';

export async function insertApiToken(
  db: Db,
  values: { userId: string; name: string; tokenHash: string; expiresAt?: Date | null },
): Promise<ApiToken> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

/** The active user behind a live (not revoked, not expired) token hash; marks the token used. */
export async function findUserByApiToken(db: Db, { tokenHash }: { tokenHash: string }): Promise<User | undefined> {
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
  return row.user;
}

export async function listApiTokenRows(db: Db, { excludeName }: { excludeName?: string } = {}) {
  return db
    .select({ token: apiTokens, userName: users.name, userEmail: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(excludeName ? sql`${apiTokens.name} <> ${excludeName}` : undefined)
    .orderBy(sql`${apiTokens.createdAt} desc`);
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
