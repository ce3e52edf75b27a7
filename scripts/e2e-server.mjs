// Starts Parley for the Playwright run: a fresh database (a new Postgres database on DATABASE_URL's
// server, else PGlite in a temporary DATA_DIR), demo data, the simulator on. E2E_DEV=1 runs the dev
// server (no build needed); otherwise the production build (built first if missing or older than the code).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ensureBuild } from './ensure-build.mjs';
import { SERVER_ARGS } from './server-args.mjs';

const port = process.env.E2E_PORT ?? '3300';
const dev = process.env.E2E_DEV === '1';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
const env = {
  ...process.env,
  PORT: port,
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  SEED_DEMO: 'true',
  // The demo's people, queues and channels, without its sample chats, quick replies and templates:
  // the tests start from a known, empty history.
  DEMO_CONTENT: 'false',
  SIMULATOR_ENABLED: 'true',
  AUTH_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  PRESENCE_GRACE_SECONDS: process.env.PRESENCE_GRACE_SECONDS ?? '30',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  NODE_ENV: dev ? 'development' : 'production',
};

let dropDb = async () => {};
if (process.env.DATABASE_URL) {
  const name = `parley_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  dropDb = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  };
}

// Tests that must set up state no API offers (e.g. a 24-hour window that closed yesterday) read
// the database URL from here; with PGlite the database lives inside the server process only.
fs.mkdirSync('test-results', { recursive: true });
const stateFile = `test-results/e2e-server-${port}.json`;
fs.writeFileSync(stateFile, JSON.stringify({ databaseUrl: process.env.DATABASE_URL ? env.DATABASE_URL : null, dataDir }));

if (!dev) ensureBuild(env);

const child = spawn(process.execPath, SERVER_ARGS, { stdio: 'inherit', env });
const stop = async (code) => {
  await dropDb();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(stateFile, { force: true });
  process.exit(code);
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill('SIGTERM'));
// If the test runner dies without stopping us (killed, timed out), stop too instead of lingering.
const runnerPid = (() => {
  try {
    const stat = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
})();
setInterval(() => {
  try {
    if (runnerPid > 1) process.kill(runnerPid, 0);
  } catch {
    child.kill('SIGTERM');
  }
}, 2000).unref();
child.on('exit', (code) => void stop(code ?? 0));
