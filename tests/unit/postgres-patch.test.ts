import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
// @ts-expect-error -- a plain .mjs script without types
import { isPatched, patchedFiles } from '../../scripts/patch-postgres.mjs';

// scripts/patch-postgres.mjs (postinstall) repairs postgres.js's recovery from cut connections;
// tests/integration/db-recovery.test.ts shows what goes wrong without it. When postgres.js changes,
// the patch leaves it alone and this fails: check whether the new release fixed the three defects
// (then drop the patch) or adapt it.
describe('the installed postgres.js', () => {
  it('carries the connection-recovery patches in the files Node loads (ESM and CommonJS)', () => {
    const files: string[] = (patchedFiles() as { file: string }[]).map((x) => x.file);
    expect(files.map((f) => f.replace(/.*node_modules\//, ''))).toEqual([
      'postgres/src/connection.js',
      'postgres/cjs/src/connection.js',
      'postgres/src/index.js',
      'postgres/cjs/src/index.js',
    ]);
    for (const f of files) expect(isPatched(f), f).toBe(true);
    const require = createRequire(import.meta.url);
    const loaded = require.resolve('postgres');
    expect(files.some((f) => f.startsWith(loaded.replace(/index\.js$/, '')))).toBe(true);
  });
});
