#!/usr/bin/env node
// Usage: node scripts/lock-optional-platforms.cjs package-lock.json (after any npm install that changes the lock).
// Adds lock entries for optional platform packages the registry here does not carry, so `npm ci`
// sees the lock in sync; npm skips them on this platform anyway.
const fs = require('fs');
const { execSync } = require('child_process');
const lockPath = process.argv[2];
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
let out = '';
try { execSync('npm ci --dry-run --no-audit --no-fund', { cwd: require('path').dirname(lockPath), stdio: 'pipe' }); } catch (e) { out = String(e.stderr) + String(e.stdout); }
const missing = [...out.matchAll(/Missing: (@?[^@\s]+)@(\S*) from lock file/g)].map((m) => m[1]);
const osOf = (n) => ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'].find((o) => n.includes(o));
const cpuOf = (n) => ['arm64', 'x64', 'ia32', 'arm', 'wasm32', 'ppc64', 's390x', 'riscv64', 'loong64'].find((c) => n.includes(c === 'arm' ? 'arm-' : c) || n.endsWith(c));
let added = 0;
for (const name of missing) {
  // The version its parent asks for.
  let version;
  for (const [k, p] of Object.entries(lock.packages)) {
    const want = p.optionalDependencies?.[name];
    if (want) { version = want.replace(/^[\^~=]/, ''); break; }
  }
  if (!version) continue;
  const entry = { version, optional: true };
  const os = osOf(name); const cpu = cpuOf(name);
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu];
  lock.packages[`node_modules/${name}`] = entry;
  added++;
}
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`missing ${missing.length}, added ${added}`);
