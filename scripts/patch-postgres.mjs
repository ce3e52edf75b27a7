#!/usr/bin/env node
// Runs on `npm install` / `npm ci` (package.json "postinstall"). Repairs four defects of postgres.js
// 3.4.9 (the newest release) that show when Postgres cuts connections — a restart, a failover,
// pg_terminate_backend, a proxy dropping idle sockets. Found with tests/integration/db-recovery.test.ts:
//
// 1. closed() and terminate() cancel the pending write-flush (setImmediate) without forgetting it, and
//    keep the unsent bytes. The connection's next life then never flushes small writes: its startup
//    message waits forever, every query queued on it fails with CONNECT_TIMEOUT (10 s each), and the
//    stale bytes of the dead socket precede the next startup. Upstream: porsager/postgres#1214,
//    LanternOps/breeze#3225.
// 2. nextWrite() on a connection whose socket is already gone throws a TypeError from a setImmediate
//    callback: an uncaught exception that ends the process. It now fails the connection's queries
//    with CONNECTION_CLOSED instead. Upstream: porsager/postgres#1208 / #1209.
// 3. The array-type lookup a new connection runs first is an unawaited promise: when that connection
//    is cut during it, the rejection is unhandled (which also ends a Node process). The connection's
//    own close handling already retries; the rejection is now caught.
// 4. sql.begin(): when the transaction's connection is cut, begin() rejects, but the callback goes on
//    and its next statements run on the pool's NEW session of that connection, outside any
//    transaction, each committed on its own (half a transaction stored: an outbox event without its
//    message, say). They are now refused with the close's error. Upstream: porsager/postgres#1155.
//
// Each patch checks the exact text it replaces and the file is left alone when postgres.js changed
// (a newer release may have fixed it): the script then says so and tests/unit/postgres-patch.test.ts
// fails until someone looks. Idempotent.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const MARK = '/* parley-patched: connection recovery */';
const connectionPatches = [
  {
    name: 'closed()/terminate() forget the cancelled flush and the unsent bytes',
    from: /\n {4}clearImmediate\(nextWriteTimer\)\n/g,
    count: 2,
    to: '\n    clearImmediate(nextWriteTimer)\n    nextWriteTimer = chunk = null\n',
  },
  {
    name: 'nextWrite() without a socket fails the queries instead of throwing',
    from: /function nextWrite\(fn\) \{\n {4}const x = socket\.write\(chunk, fn\)/g,
    count: 1,
    to:
      'function nextWrite(fn) {\n' +
      '    if (!socket) {\n' +
      '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
      '      chunk = nextWriteTimer = null\n' +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      '      return false\n' +
      '    }\n' +
      '    const x = socket.write(chunk, fn)',
  },
  {
    name: 'the array-type lookup of a connection cut during it is not an unhandled rejection',
    from: /return fetchArrayTypes\(\)\n/g,
    count: 1,
    to: 'return fetchArrayTypes().catch(() => { /* the connection closed: closed() reconnects */ })\n',
  },
];

const indexPatches = [
  {
    name: 'begin() remembers that its connection closed',
    from: /new Promise\(\(_, reject\) => connection\.onclose = reject\)/g,
    count: 1,
    to: 'new Promise((_, reject) => connection.onclose = (e) => { closedError = e; reject(e) })',
  },
  {
    name: 'begin() declares that state',
    from: /let savepoints = 0\n/g,
    count: 1,
    to: 'let closedError = null\n    let savepoints = 0\n',
  },
  {
    name: "a closed transaction's next statements are refused, not run on a new session",
    from: /q\.catch\(e => uncaughtError \|\| \(uncaughtError = e\)\)\n/g,
    count: 1,
    to: 'q.catch(e => uncaughtError || (uncaughtError = e))\n        if (closedError) return q.reject(closedError)\n',
  },
];

const TARGETS = [
  { files: ['src/connection.js', 'cjs/src/connection.js'], patches: connectionPatches },
  { files: ['src/index.js', 'cjs/src/index.js'], patches: indexPatches },
];

function packageDir() {
  try {
    const require = createRequire(import.meta.url);
    // postgres's "exports" hide package.json; its CommonJS entry is cjs/src/index.js.
    return path.resolve(path.dirname(require.resolve('postgres')), '..', '..');
  } catch {
    return null;
  }
}

/** Patches one connection.js; returns 'patched' | 'already' | a reason it was left alone. */
export function patchFile(file, patches) {
  let text = fs.readFileSync(file, 'utf8');
  if (text.startsWith(MARK)) return 'already';
  for (const p of patches) {
    const found = text.match(p.from)?.length ?? 0;
    if (found !== p.count) return `left alone: "${p.name}" expected ${p.count} match(es), found ${found}`;
    text = text.replace(p.from, p.to);
  }
  fs.writeFileSync(file, `${MARK}\n${text}`);
  return 'patched';
}

export function isPatched(file) {
  return fs.readFileSync(file, 'utf8').startsWith(MARK);
}

/** The files this script patches, with their patches. */
export function patchedFiles(dir = packageDir()) {
  if (!dir) return [];
  return TARGETS.flatMap((t) => t.files.map((f) => ({ file: path.join(dir, f), patches: t.patches }))).filter((x) => fs.existsSync(x.file));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = packageDir();
  if (!dir) {
    console.log('patch-postgres: postgres is not installed; nothing to do');
    process.exit(0);
  }
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  for (const { file, patches } of patchedFiles(dir)) {
    const result = patchFile(file, patches);
    const line = `patch-postgres: postgres ${version} ${path.relative(process.cwd(), file)}: ${result}`;
    if (result.startsWith('left alone')) console.warn(line);
    else console.log(line);
  }
}
