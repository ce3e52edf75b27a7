import { type Db } from '@/db/client';
import { getApiTokenById, listApiTokenRows, revokeApiTokenRow } from '@/db/queries/api-tokens';
import { getUserById } from '@/db/queries/users';
import type { ApiToken } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import { issueApiToken } from '@/lib/auth/login';
import type { Actor } from '@/lib/auth/roles';
import { accessChanged } from '@/lib/auth/sessions';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';

export type ApiTokenDto = {
  id: string;
  name: string;
  /** login: made by a password login of the API (ends with a password change); integration: made here. */
  kind: 'login' | 'integration';
  user: { id: string; name: string; email: string };
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
};

// The name POST /api/v1/auth/token gives its tokens; reserved so a login token is never mistaken for an integration.
const LOGIN_TOKEN_NAME = 'login';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toDto(t: ApiToken, user: { name: string; email: string }): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    user: { id: t.userId, name: user.name, email: user.email },
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    status: t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= Date.now() ? 'expired' : 'active',
  };
}

export async function listApiTokens(db: Db): Promise<{ items: ApiTokenDto[]; nextCursor: null }> {
  const rows = await listApiTokenRows(db);
  return { items: rows.map((r) => toDto(r.token, { name: r.userName, email: r.userEmail })), nextCursor: null };
}

/** A new integration token acting as `userId` (default: the admin). The token is in this answer only. */
export async function createApiToken(
  db: Db,
  { actor, input }: { actor: Actor; input: { name: string; userId?: string; expiresInDays?: number | null } },
): Promise<ApiTokenDto & { token: string }> {
  if (input.name.trim().toLowerCase() === LOGIN_TOKEN_NAME) {
    throw new AppError('validation_failed:name: "login" is reserved; pick a name that says what the integration is.', {
      details: { fields: [{ path: 'name', message: '"login" is reserved' }] },
    });
  }
  return db.transaction(async (tx) => {
    const user = await getUserById(tx, { id: input.userId ?? actor.id });
    if (!user || !user.active) {
      throw new AppError('validation_failed:userId: no such active user.', { details: { fields: [{ path: 'userId', message: 'no such active user' }] } });
    }
    const issued = await issueApiToken(tx, { userId: user.id, name: input.name.trim(), expiresInDays: input.expiresInDays ?? undefined });
    const row = (await getApiTokenById(tx, { id: issued.id }))!;
    await writeAudit(tx, {
      actorId: actor.id,
      action: 'api_token.created',
      entity: 'api_token',
      entityId: row.id,
      after: { name: row.name, userId: row.userId, expiresAt: iso(row.expiresAt) },
    });
    return { ...toDto(row, user), token: issued.token };
  });
}

export async function revokeApiToken(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<ApiTokenDto> {
  const { dto, published } = await db.transaction(async (tx) => {
    const before = await getApiTokenById(tx, { id });
    if (!before) throw new AppError('not_found:No such API token.');
    const after = (await revokeApiTokenRow(tx, { id }))!;
    const user = await getUserById(tx, { id: after.userId });
    if (!before.revokedAt) {
      await writeAudit(tx, {
        actorId: actor.id,
        action: 'api_token.revoked',
        entity: 'api_token',
        entityId: id,
        before: { name: before.name, userId: before.userId, revokedAt: null },
        after: { name: after.name, userId: after.userId, revokedAt: iso(after.revokedAt) },
      });
    }
    const published = before.revokedAt ? [] : await recordEvents(tx, [accessChanged(after.userId, 'token_revoked')]);
    return { dto: toDto(after, user ?? { name: 'deleted user', email: '' }), published };
  });
  publishEvents(published);
  return dto;
}
