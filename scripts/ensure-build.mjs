// The production build that npm start, the end-to-end tests' server and the benchmarks run: made
// when there is none, and made again when any file it is built from is newer than it. Without the
// second check, `git pull && npm start` served the old pages and route bundles beside the new
// server.ts and lib code that tsx runs from source: two versions of Parley in one process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What `next build` reads: the app's code and the configuration and packages it is built with. */
const SOURCES = ['app', 'components', 'lib', 'db', 'public', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];
const BUILD_ID = '.next/BUILD_ID';

/** The newest modification time (ms) under `entry`, or 0 when it does not exist. */
function newest(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs; // a deleted file changes its directory's time
  for (const name of fs.readdirSync(entry)) max = Math.max(max, newest(path.join(entry, name)));
  return max;
}

/** Why a build is needed ('missing' | 'stale'), or null when the one in .next is current. */
export function buildNeeded(root = process.cwd()) {
  let built;
  try {
    built = fs.statSync(path.join(root, BUILD_ID)).mtimeMs;
  } catch {
    return 'missing';
  }
  const sources = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
  return sources > built ? 'stale' : null;
}

/** Runs `next build` when buildNeeded says so; exits the process when the build fails. */
export function ensureBuild(env = process.env) {
  const why = buildNeeded();
  if (!why) return;
  console.log(
    why === 'missing'
      ? 'No production build yet: building Parley (takes a minute or two the first time)...'
      : 'The code changed since the last production build: building Parley again...',
  );
  const r = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env: { ...env, NODE_ENV: 'production' } });
  if (r.status !== 0) {
    console.error('next build failed: see its output above.');
    process.exit(r.status ?? 1);
  }
}
