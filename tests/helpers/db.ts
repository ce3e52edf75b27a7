import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DbHandle } from '@/db/client';
import { runMigrations } from '@/db/migrate';

// The server given by CI / the developer; each test file gets its own fresh database on it.
export const baseDatabaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

export type TestDatabase = { handle: DbHandle; url?: string; drop: () => Promise<void> };

/** A new, empty, migrated database: on DATABASE_URL's server when set, else PGlite in memory. */
export async function createTestDatabase(opts: { driver?: 'postgres' | 'pglite'; migrate?: boolean } = {}): Promise<TestDatabase> {
  const driver = opts.driver ?? (baseDatabaseUrl ? 'postgres' : 'pglite');
  if (driver === 'pglite') {
    const handle = await openDatabase({ inMemory: true });
    if (opts.migrate !== false) await runMigrations(handle);
    return { handle, drop: () => handle.close() };
  }
  if (!baseDatabaseUrl) throw new Error('Postgres tests need DATABASE_URL');
  const name = `parley_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 10 });
  if (opts.migrate !== false) await runMigrations(handle);
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      await handle.close().catch(() => {});
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    },
  };
}
