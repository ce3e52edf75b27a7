import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import type { DbHandle } from './client';

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');
const MIGRATION_LOCK = 727274;

/** Applies the committed drizzle-kit migrations. Safe to run from several processes at once. */
export async function runMigrations(handle: DbHandle): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // A single connection holds a session advisory lock while migrating, so parallel starts don't race.
  const conn = postgres(handle.url!, { max: 1, onnotice: () => {} });
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzle(conn), { migrationsFolder });
  } finally {
    await conn.end({ timeout: 5 });
  }
}
