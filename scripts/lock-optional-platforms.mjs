#!/usr/bin/env node
// Usage: node scripts/lock-optional-platforms.mjs [package-lock.json] — after any npm install that
// changes the lock. Adds lock entries for other platforms' optional binaries that this registry does
// not carry, so `npm ci` sees the lock in sync; npm skips them on this platform anyway.
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';

const lockPath = path.resolve(process.argv[2] ?? 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
let out = '';
try {
  execSync('npm ci --dry-run --no-audit --no-fund', { cwd: path.dirname(lockPath), stdio: 'pipe' });
} catch (e) {
  out = String(e.stderr) + String(e.stdout);
}
const missing = [...out.matchAll(/Missing: (@?[^@\s]+)@(\S*) from lock file/g)].map((m) => m[1]);
const osOf = (n) => ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'].find((o) => n.includes(o));
const cpuOf = (n) => ['arm64', 'x64', 'ia32', 'arm', 'wasm32', 'ppc64', 's390x', 'riscv64', 'loong64'].find((c) => n.includes(c === 'arm' ? 'arm-' : c) || n.endsWith(c));
let added = 0;
for (const name of missing) {
  const parent = Object.values(lock.packages).find((p) => p.optionalDependencies?.[name]);
  if (!parent) continue;
  const entry = { version: parent.optionalDependencies[name].replace(/^[\^~=]/, ''), optional: true };
  const os = osOf(name);
  const cpu = cpuOf(name);
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu];
  lock.packages[`node_modules/${name}`] = entry;
  added++;
}
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`missing ${missing.length}, added ${added}`);
