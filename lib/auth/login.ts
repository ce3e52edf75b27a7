import { type Db } from '@/db/client';
import { insertApiToken } from '@/db/queries/api-tokens';
import { getUserByEmail } from '@/db/queries/users';
import type { ApiToken, User } from '@/db/schema';
import { randomToken, sha256Hex } from '@/lib/crypto';
import { AppError } from '@/lib/errors';
import { DUMMY_HASH, verifyPassword } from './password';
import { throttleLogin } from './throttle';

/** The active user with this email and password, or null. Same work whether the email exists or not. */
export async function verifyCredentials(
  db: Db,
  { email, password }: { email: string; password: string },
): Promise<User | null> {
  const user = await getUserByEmail(db, { email: email.trim() });
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || !user.active) return null;
  return user;
}

/**
 * A password sign-in from `ip` (the sign-in form and the token API): the user, null for a wrong
 * email or password, or `rate_limited` while guessing is throttled (lib/auth/throttle.ts).
 */
export async function signInWithPassword(
  db: Db,
  { email, password, ip }: { email: string; password: string; ip: string },
): Promise<User | null> {
  return throttleLogin(db, { email, ip, verify: () => verifyCredentials(db, { email, password }) });
}

export const API_TOKEN_PREFIX = 'prl_';

/** A new API token for `userId`; the token is returned once and only its hash is stored. */
export async function issueApiToken(
  db: Db,
  { userId, name, kind = 'integration', expiresInDays }: { userId: string; name: string; kind?: ApiToken['kind']; expiresInDays?: number },
): Promise<{ token: string; id: string; expiresAt: Date | null }> {
  const token = API_TOKEN_PREFIX + randomToken(32);
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null;
  const row = await insertApiToken(db, { userId, name, kind, tokenHash: sha256Hex(token), expiresAt });
  return { token, id: row.id, expiresAt };
}

/** POST /api/v1/auth/token: a 30-day token of kind 'login', which a password change ends. */
export async function loginForApiToken(db: Db, input: { email: string; password: string; ip: string }) {
  const user = await signInWithPassword(db, input);
  if (!user) throw new AppError('unauthorized:Wrong email or password.');
  const issued = await issueApiToken(db, { userId: user.id, name: 'login', kind: 'login', expiresInDays: 30 });
  return { token: issued.token, expiresAt: issued.expiresAt, user };
}
