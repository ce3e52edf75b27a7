import { openDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { getConfig } from '../lib/config';

const config = getConfig();
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await runMigrations(db);
await db.close();
console.log(`Migrations applied (${db.kind}).`);
