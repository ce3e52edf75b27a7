import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { getDb, openDatabase, rowsOf, setDbHandle } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { channels, queues, users } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { startRuntime } from '@/lib/bootstrap';
import { checkHealth } from '@/lib/health';
import { verifyCredentials } from '@/lib/auth/login';
import { baseDatabaseUrl, createTestDatabase } from '../helpers/db';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-platform-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function setEnv(env: Record<string, string | undefined>) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
  cleanups.push(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  });
}

const tables = ['users', 'channels', 'queues', 'queue_members', 'contacts', 'conversations', 'messages', 'attachments'];

describe('migrations', () => {
  const drivers: ('pglite' | 'postgres')[] = ['pglite', ...(baseDatabaseUrl ? (['postgres'] as const) : [])];
  for (const driver of drivers) {
    it(`create the whole schema on an empty ${driver} database, and running them again changes nothing`, async () => {
      const t = await createTestDatabase({ driver, migrate: false });
      cleanups.push(t.drop);
      await runMigrations(t.handle);
      await runMigrations(t.handle);
      const rows = rowsOf<{ table_name: string }>(
        await t.handle.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`),
      );
      const names = rows.map((r) => r.table_name);
      for (const table of tables) expect(names).toContain(table);
      // The partial unique index that keeps one open conversation per contact and channel.
      const idx = rowsOf<{ indexdef: string }>(
        await t.handle.db.execute(sql`select indexdef from pg_indexes where indexname = 'conversations_one_open_key'`),
      );
      expect(idx[0]?.indexdef).toMatch(/WHERE \(status <> 'closed'/);
    });
  }
});

describe('embedded start', () => {
  it('seeds the demo once, keeps it across a restart, and generates secrets once', async () => {
    const dataDir = tempDir();
    setEnv({ DATABASE_URL: undefined, DATA_DIR: dataDir, AUTH_SECRET: undefined, ENCRYPTION_KEY: undefined, SEED_DEMO: undefined });

    const first = await startRuntime({ work: false });
    expect(first.demo.seeded).toBe(true);
    expect(first.demo.logins.map((l) => l.role).sort()).toEqual(['admin', 'agent', 'agent', 'supervisor']);
    const [q] = await first.db.db.select({ n: count() }).from(queues);
    expect(q!.n).toBe(2);
    const chans = await first.db.db.select().from(channels);
    expect(chans.map((c) => c.provider)).toEqual(['simulator', 'simulator']);
    // Provider credentials are stored encrypted, never in clear.
    for (const c of chans) expect(c.authTokenEncrypted).toMatch(/^v1\./);
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o077).toBe(0);
    await first.db.db.update(users).set({ name: 'Renamed Admin' }).where(eq(users.email, 'admin@parley.test'));
    await first.stop();

    setEnv({ AUTH_SECRET: undefined, ENCRYPTION_KEY: undefined });
    const second = await startRuntime({ work: false });
    cleanups.push(() => second.stop());
    expect(second.demo.seeded).toBe(false);
    const [u] = await second.db.db.select({ n: count() }).from(users);
    expect(u!.n).toBe(4);
    const [admin] = await second.db.db.select().from(users).where(eq(users.email, 'admin@parley.test'));
    expect(admin!.name).toBe('Renamed Admin');
    expect(process.env.AUTH_SECRET).toBe(secrets.authSecret);
    expect(process.env.ENCRYPTION_KEY).toBe(secrets.encryptionKey);
    expect(await verifyCredentials(getDb(), { email: 'agent@parley.test', password: 'parley-agent' })).not.toBeNull();
  });

  it('creates the ADMIN_EMAIL admin on any database, once', async () => {
    const dataDir = tempDir();
    const t = await createTestDatabase();
    cleanups.push(t.drop);
    setEnv({
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      ADMIN_EMAIL: 'Owner@Example.com',
      ADMIN_PASSWORD: 'a very long password',
      AUTH_SECRET: 'a'.repeat(64),
      ENCRYPTION_KEY: 'b'.repeat(64),
      DATABASE_URL: t.url,
    });
    const rt = await startRuntime({ db: t.handle, work: false });
    const again = await import('@/lib/setup/admin');
    expect(await again.ensureAdminFromEnv(rt.db.db, { email: 'owner@example.com', password: 'other' })).toBe('exists');
    const admins = await rt.db.db.select().from(users);
    expect(admins).toHaveLength(1);
    expect(admins[0]).toMatchObject({ email: 'owner@example.com', role: 'admin', active: true });
    expect(admins[0]!.passwordHash).not.toContain('a very long password');
    expect(await verifyCredentials(getDb(), { email: 'OWNER@example.com', password: 'a very long password' })).not.toBeNull();
    await rt.stop().catch(() => {});
    setDbHandle(undefined);
  });
});

describe('health', () => {
  it('answers 503 when the database is unreachable and 200 when it is back', async () => {
    const handle = await openDatabase({ inMemory: true });
    setDbHandle(handle);
    expect((await checkHealth()).ok).toBe(true);
    await handle.close();
    expect(await checkHealth()).toEqual({ ok: false, database: 'down' });
    const back = await openDatabase({ inMemory: true });
    setDbHandle(back);
    cleanups.push(() => back.close());
    expect((await checkHealth()).ok).toBe(true);
  });
});
