// npm test: unit + integration (vitest), then end-to-end (Playwright with Debian's Chromium).
// Integration tests use DATABASE_URL's server when set (a fresh database per file), else PGlite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const results = [];
const t0 = Date.now();
const vitest = run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run']);
results.push(['unit + integration (vitest)', vitest]);

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  const msg = `Chromium not found at ${chromium}: end-to-end tests NOT run. Install it with: apt-get install -y chromium`;
  if (process.env.CI === 'true') {
    console.error(`\n✖ ${msg}`);
    results.push(['end-to-end (playwright)', 1]);
  } else {
    console.warn(`\n${'!'.repeat(100)}\n!! ${msg}\n${'!'.repeat(100)}\n`);
  }
} else {
  let e2e = 0;
  if (process.env.E2E_DEV !== '1') {
    // Always test the code as it is now, not an older build.
    e2e = run(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { NODE_ENV: 'production' });
  }
  if (e2e === 0) e2e = run(process.execPath, ['node_modules/@playwright/test/cli.js', 'test']);
  results.push(['end-to-end (playwright)', e2e]);
}

console.log(`\nnpm test finished in ${Math.round((Date.now() - t0) / 1000)} s`);
for (const [name, code] of results) console.log(`  ${code === 0 ? 'passed' : 'FAILED'}  ${name}`);
process.exit(results.some(([, code]) => code !== 0) ? 1 : 0);
