// npm test: unit + integration (vitest), then end-to-end (Playwright with Debian's Chromium).
// Integration tests use DATABASE_URL's server when set (a fresh database per file), else PGlite.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const results = [];
const t0 = Date.now();
// A JSON report beside the usual output, so the summary at the very end can name what failed: CI
// keeps only the tail of a long log.
const vitestReport = path.join(os.tmpdir(), `parley-vitest-${process.pid}.json`);
const vitest = run(process.execPath, [
  'node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestReport}`,
]);
results.push(['unit + integration (vitest)', vitest]);
const vitestFailures = failedVitestTests(vitestReport);

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
for (const line of vitestFailures) console.log(`    ✖ ${line}`);
if (vitest !== 0 && !vitestFailures.length) {
  console.log('    ✖ every vitest test passed, but vitest failed: look for "Unhandled Errors" in its output above');
}
process.exit(results.some(([, code]) => code !== 0) ? 1 : 0);

/** `file › test: first line of the error` for each failed test (or file that failed to run). */
function failedVitestTests(file) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.rmSync(file, { force: true });
  } catch {
    return [];
  }
  const out = [];
  for (const f of report.testResults ?? []) {
    const name = path.relative(process.cwd(), f.name);
    const failed = (f.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push(`${name} › ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
    if (!failed.length && f.status === 'failed') out.push(`${name}: ${firstLine(f.message)}`);
  }
  return out.slice(0, 30);
}

function firstLine(text) {
  return String(text ?? '').split('\n').find((l) => l.trim())?.trim().slice(0, 240) ?? '';
}
