import { type Db } from '@/db/client';
import { revokeUserApiTokens } from '@/db/queries/api-tokens';
import { deleteOldSessions, getSessionById, insertSession, listLiveSessions, revokeSessionRow, revokeUserSessions } from '@/db/queries/sessions';
import { getUserById } from '@/db/queries/users';
import type { Session } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { AccessChangeReason, DomainEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';
import type { Actor } from './roles';

/** A browser session lasts one shift at most: 12 hours from sign-in (the JWT's lifetime too). */
export const SESSION_MAX_AGE = 12 * 60 * 60;

export function accessChanged(userId: string, reason: AccessChangeReason): DomainEvent {
  return { type: 'access.changed', audience: { userIds: [userId] }, data: { userId, reason } };
}

export async function startSession(
  db: Db,
  { userId, userAgent, ip }: { userId: string; userAgent?: string | null; ip?: string | null },
): Promise<Session> {
  await deleteOldSessions(db, { userId });
  return insertSession(db, {
    userId,
    expiresAt: new Date(Date.now() + SESSION_MAX_AGE * 1000),
    userAgent: userAgent ? userAgent.slice(0, 400) : null,
    ip: ip && ip !== 'unknown' ? ip.slice(0, 64) : null,
  });
}

/** Sign-out: this session stops working on every Parley process at once. */
export async function endSession(db: Db, { sessionId }: { sessionId: string }): Promise<void> {
  const published = await db.transaction(async (tx) => {
    const row = await revokeSessionRow(tx, { id: sessionId });
    if (!row) return [];
    return recordEvents(tx, [accessChanged(row.userId, 'signed_out')]);
  });
  publishEvents(published);
}

/**
 * Inside the caller's transaction: ends every browser session of the user and every API token made
 * with their password (POST /api/v1/auth/token). Integration tokens an admin made are kept: they
 * belong to the integration, were never derived from the password, and are revoked on their own.
 */
export async function endPasswordCredentials(tx: Db, { userId }: { userId: string }): Promise<{ sessions: number; loginTokens: number }> {
  const [sessions, loginTokens] = [await revokeUserSessions(tx, { userId }), await revokeUserApiTokens(tx, { userId, kind: 'login' })];
  return { sessions, loginTokens };
}

export type SessionDto = {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
};

function toSessionDto(s: Session): SessionDto {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    userAgent: s.userAgent,
    ip: s.ip,
  };
}

async function requireUser(db: Db, userId: string) {
  const user = await getUserById(db, { id: userId });
  if (!user) throw new AppError('not_found:No such user.');
  return user;
}

/** The user's signed-in browsers (live sessions), most recently seen first. */
export async function listUserSessions(db: Db, { userId }: { userId: string }): Promise<{ items: SessionDto[]; nextCursor: null }> {
  await requireUser(db, userId);
  const rows = await listLiveSessions(db, { userId });
  return { items: rows.map(toSessionDto), nextCursor: null };
}

/** An admin ends one of a user's sessions. */
export async function revokeUserSession(db: Db, { actor, userId, sessionId }: { actor: Actor; userId: string; sessionId: string }): Promise<SessionDto> {
  const { dto, published } = await db.transaction(async (tx) => {
    await requireUser(tx, userId);
    const before = await getSessionById(tx, { id: sessionId });
    if (!before || before.userId !== userId) throw new AppError('not_found:No such session.');
    const ended = await revokeSessionRow(tx, { id: sessionId, userId });
    if (!ended) return { dto: toSessionDto(before), published: [] };
    await writeAudit(tx, { actorId: actor.id, action: 'session.revoked', entity: 'user', entityId: userId, after: { sessionId } });
    return { dto: toSessionDto(ended), published: await recordEvents(tx, [accessChanged(userId, 'session_revoked')]) };
  });
  publishEvents(published);
  return dto;
}

/** "Sign out everywhere": every session of the user and every token made by their password login. */
export async function signOutEverywhere(db: Db, { actor, userId }: { actor: Actor; userId: string }): Promise<{ sessions: number; loginTokens: number }> {
  const { ended, published } = await db.transaction(async (tx) => {
    await requireUser(tx, userId);
    const ended = await endPasswordCredentials(tx, { userId });
    await writeAudit(tx, { actorId: actor.id, action: 'user.signed_out_everywhere', entity: 'user', entityId: userId, after: ended });
    return { ended, published: await recordEvents(tx, [accessChanged(userId, 'session_revoked')]) };
  });
  publishEvents(published);
  logger.info({ userId, by: actor.id, ...ended }, 'user signed out everywhere');
  return ended;
}
