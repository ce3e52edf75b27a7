import { decode, encode } from 'next-auth/jwt';
import { getDb } from '@/db/client';
import { findUserByApiToken } from '@/db/queries/api-tokens';
import { getUserById } from '@/db/queries/users';
import { sha256Hex } from '@/lib/crypto';
import { getAuthSecret } from './secret';
import type { Actor } from './roles';

export const SESSION_COOKIE = 'next-auth.session-token';
export const SECURE_SESSION_COOKIE = '__Secure-next-auth.session-token';
export const SESSION_MAX_AGE = 12 * 60 * 60;

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

export async function createSessionToken(user: { id: string; email: string; name: string; role: string }) {
  return encode({
    token: { sub: user.id, email: user.email, name: user.name, role: user.role },
    secret: getAuthSecret(),
    maxAge: SESSION_MAX_AGE,
  });
}

async function actorFromSessionToken(token: string): Promise<Actor | null> {
  const payload = await decode({ token, secret: getAuthSecret() }).catch(() => null);
  if (!payload?.sub) return null;
  // Role and active flag are read fresh: a deactivated or demoted user loses access at once.
  const user = await getUserById(getDb(), { id: payload.sub });
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: 'session' };
}

async function actorFromApiToken(token: string): Promise<Actor | null> {
  const user = await findUserByApiToken(getDb(), { tokenHash: sha256Hex(token) });
  if (!user) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: 'token' };
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
