import type { PgBoss } from 'pg-boss';
import { openDatabase, setDbHandle, type DbHandle } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { getConfig, resetConfig, type Config } from './config';
import { resolveSecrets } from './secrets';
import { startJobs, stopJobs } from './jobs/boss';
import './jobs/workers';
import './routing/listeners';
import './conversations/first-response';
import { startRoutingSchedules } from './routing/jobs';
import { startEventSchedules } from './events/prune';
import { logger } from './logger';
import { ensureAdminFromEnv } from './setup/admin';
import { seedDemoIfEmpty, type DemoResult } from './setup/demo';

export type Runtime = {
  config: Config;
  db: DbHandle;
  boss: PgBoss;
  demo: DemoResult;
  stop: () => Promise<void>;
};

/**
 * Everything Parley needs before it serves a request: secrets, database (migrated), first admin,
 * demo data on an empty embedded database, job workers. Shared by server.ts and the tests.
 */
export async function startRuntime(
  options: { db?: DbHandle; work?: boolean; seedDemo?: boolean } = {},
): Promise<Runtime> {
  const config = getConfig();
  const secrets = resolveSecrets(config);
  // Route bundles and next-auth read these from the environment of this same process.
  process.env.AUTH_SECRET = secrets.authSecret;
  process.env.NEXTAUTH_SECRET = secrets.authSecret;
  process.env.ENCRYPTION_KEY = secrets.encryptionKey;
  process.env.NEXTAUTH_URL ??= config.publicUrl;
  resetConfig();

  const db = options.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  setDbHandle(db);
  await runMigrations(db);
  await ensureAdminFromEnv(db.db, { email: config.adminEmail, password: config.adminPassword });
  const demo =
    options.seedDemo ?? config.seedDemo
      ? await seedDemoIfEmpty(db.db, { encryptionKey: secrets.encryptionKey, content: config.demoContent })
      : { seeded: false, logins: [] };
  const boss = await startJobs(db, { databaseUrl: config.databaseUrl, work: options.work });
  await startRoutingSchedules(boss);
  await startEventSchedules(boss);
  logger.info({ driver: db.kind }, 'runtime started');

  return {
    config: getConfig(),
    db,
    boss,
    demo,
    stop: async () => {
      await stopJobs();
      await db.close();
      setDbHandle(undefined);
    },
  };
}
