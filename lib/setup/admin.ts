import type { Db } from '@/db/client';
import { getUserByEmail, insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import { logger } from '@/lib/logger';

/** ADMIN_EMAIL + ADMIN_PASSWORD: creates that admin when no user has the email (any database). */
export async function ensureAdminFromEnv(
  db: Db,
  { email, password }: { email?: string; password?: string },
): Promise<'created' | 'exists' | 'skipped'> {
  if (!email || !password) return 'skipped';
  if (await getUserByEmail(db, { email })) return 'exists';
  await insertUser(db, {
    email: email.toLowerCase(),
    name: 'Administrator',
    role: 'admin',
    passwordHash: await hashPassword(password),
    languages: ['en'],
  });
  logger.info({ email }, 'created admin from ADMIN_EMAIL');
  return 'created';
}
