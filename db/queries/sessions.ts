import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { executePrepared } from '../client';
import { sessions, type Session } from '../schema';

/** Forgets a user's sessions that ended (expired or revoked) over 30 days ago. */
export async function deleteOldSessions(db: Db, { userId }: { userId: string }): Promise<void> {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), sql`coalesce(${sessions.revokedAt}, ${sessions.expiresAt}) < now() - interval '30 days'`));
}

export async function insertSession(
  db: Db,
  values: { userId: string; expiresAt: Date; userAgent?: string | null; ip?: string | null },
): Promise<Session> {
  const [row] = await db.insert(sessions).values(values).returning();
  return row!;
}

export type SessionActorRow = { id: string; email: string; name: string; role: 'admin' | 'supervisor' | 'agent' };

/**
 * The active user of a live (not revoked, not expired) session, in one statement: every request
 * and socket handshake runs it. "Last seen" is written at most once a minute, by the same statement.
 */
export async function findUserBySession(db: Db, { sessionId }: { sessionId: string }): Promise<SessionActorRow | undefined> {
  const rows = await executePrepared<SessionActorRow>(
    db,
    sql`with live as (
        select s.id, s.user_id from sessions s
        where s.id = ${sessionId}::uuid and s.revoked_at is null and s.expires_at > now()
      ), seen as (
        update sessions set last_seen_at = now()
        where id = (select id from live) and last_seen_at < now() - interval '1 minute'
      )
      select u.id, u.email, u.name, u.role from live join users u on u.id = live.user_id where u.active`,
  );
  return rows[0];
}

/** A user's sessions that still work, newest first. */
export async function listLiveSessions(db: Db, { userId }: { userId: string }): Promise<Session[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
    .orderBy(desc(sessions.lastSeenAt));
}

/** Ends one session; answers the row only if this call ended it (it was live). */
export async function revokeSessionRow(db: Db, { id, userId }: { id: string; userId?: string }): Promise<Session | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, id), userId ? eq(sessions.userId, userId) : undefined, isNull(sessions.revokedAt)))
    .returning();
  return row;
}

/** Ends every live session of a user; answers how many were ended. */
export async function revokeUserSessions(db: Db, { userId }: { userId: string }): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function getSessionById(db: Db, { id }: { id: string }): Promise<Session | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
  return row;
}
