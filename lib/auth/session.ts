import { decode, encode } from 'next-auth/jwt';
import { getDb, type Db } from '@/db/client';
import { findUserByApiToken, findUserByApiTokenId } from '@/db/queries/api-tokens';
import { findUserBySession } from '@/db/queries/sessions';
import { sha256Hex } from '@/lib/crypto';
import { getAuthSecret } from './secret';
import type { Actor } from './roles';
import { SESSION_MAX_AGE, startSession } from './sessions';
import { isUuid } from '@/lib/ids';

export const SESSION_COOKIE = 'next-auth.session-token';
export const SECURE_SESSION_COOKIE = '__Secure-next-auth.session-token';
export { SESSION_MAX_AGE } from './sessions';

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i === -1) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) out[k] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** The session JWT of a cookie header (next-auth may chunk it as name.0, name.1, ...). */
export function sessionTokenFromCookies(header: string | null | undefined): string | undefined {
  const cookies = parseCookies(header);
  for (const name of [SECURE_SESSION_COOKIE, SESSION_COOKIE]) {
    if (cookies[name]) return cookies[name];
    const chunks = Object.keys(cookies)
      .filter((k) => k.startsWith(`${name}.`))
      .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
    if (chunks.length) return chunks.map((k) => cookies[k]).join('');
  }
  return undefined;
}


/** A session JWT for `user` backed by a new server-side session (tests and scripts; sign-in goes through next-auth). */
export async function createSessionToken(
  user: { id: string; email: string; name: string; role: string },
  opts: { userAgent?: string | null; ip?: string | null; db?: Db } = {},
): Promise<string> {
  const session = await startSession(opts.db ?? getDb(), { userId: user.id, userAgent: opts.userAgent, ip: opts.ip });
  return encode({
    token: { sub: user.id, email: user.email, name: user.name, role: user.role, sid: session.id },
    secret: getAuthSecret(),
    maxAge: SESSION_MAX_AGE,
  });
}

/** The live session a JWT names, with its user read fresh: signed out, revoked, deactivated or demoted takes effect at once. */
async function actorFromSessionToken(token: string): Promise<Actor | null> {
  const payload = await decode({ token, secret: getAuthSecret() }).catch(() => null);
  const sid = payload?.sid;
  // A JWT without a session id predates server-side sessions: its holder signs in again.
  if (!payload?.sub || typeof sid !== 'string' || !isUuid(sid)) return null;
  const user = await findUserBySession(getDb(), { sessionId: sid });
  if (!user || user.id !== payload.sub) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: 'session', credentialId: sid };
}

async function actorFromApiToken(token: string): Promise<Actor | null> {
  const found = await findUserByApiToken(getDb(), { tokenHash: sha256Hex(token) });
  if (!found) return null;
  const { user, tokenId } = found;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: 'token', credentialId: tokenId };
}

/**
 * The actor a credential stands for now, or null once it no longer works (revoked, expired, signed
 * out, user deactivated). Realtime re-checks a socket's credential with this on `access.changed`.
 */
export async function actorForCredential(
  credential: { via: Actor['via']; credentialId: string },
  db: Db = getDb(),
): Promise<Actor | null> {
  if (!isUuid(credential.credentialId)) return null;
  if (credential.via === 'session') {
    const user = await findUserBySession(db, { sessionId: credential.credentialId });
    return user ? { ...user, via: 'session', credentialId: credential.credentialId } : null;
  }
  const user = await findUserByApiTokenId(db, { id: credential.credentialId });
  return user ? { id: user.id, email: user.email, name: user.name, role: user.role, via: 'token', credentialId: credential.credentialId } : null;
}

/** Who is calling: `Authorization: Bearer <api token>` or the next-auth session cookie. */
export async function resolveActor(input: {
  authorization?: string | null;
  cookie?: string | null;
  token?: string | null;
}): Promise<Actor | null> {
  const bearer = input.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? input.token ?? undefined;
  if (bearer) return actorFromApiToken(bearer);
  const session = sessionTokenFromCookies(input.cookie);
  if (session) return actorFromSessionToken(session);
  return null;
}

export function actorFromRequest(req: Request): Promise<Actor | null> {
  return resolveActor({ authorization: req.headers.get('authorization'), cookie: req.headers.get('cookie') });
}
