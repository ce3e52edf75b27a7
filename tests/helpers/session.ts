import { createSessionToken, SESSION_COOKIE } from '@/lib/auth/session';
import type { User } from '@/db/schema';

/** The Cookie header of a browser signed in as `user` (a session made the way sign-in makes one). */
export async function sessionCookie(user: Pick<User, 'id' | 'email' | 'name' | 'role'>): Promise<string> {
  return `${SESSION_COOKIE}=${await createSessionToken(user)}`;
}
