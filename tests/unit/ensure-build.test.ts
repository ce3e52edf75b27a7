import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNeeded } from '../../scripts/ensure-build.mjs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A checkout with one source file and (optionally) a build, with the given modification times (s). */
function checkout({ source, build }: { source: number; build?: number }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-build-'));
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'lib/conversations'), { recursive: true });
  const file = path.join(root, 'lib/conversations/ingest.ts');
  fs.writeFileSync(file, 'export {};\n');
  for (const p of [file, path.join(root, 'lib/conversations'), path.join(root, 'lib')]) fs.utimesSync(p, source, source);
  if (build !== undefined) {
    fs.mkdirSync(path.join(root, '.next'));
    fs.writeFileSync(path.join(root, '.next/BUILD_ID'), 'x');
    fs.utimesSync(path.join(root, '.next/BUILD_ID'), build, build);
  }
  return root;
}

describe('npm start’s production build', () => {
  it('is made when there is none', () => {
    expect(buildNeeded(checkout({ source: 1_000 }))).toBe('missing');
  });

  it('is kept while no source file is newer than it', () => {
    expect(buildNeeded(checkout({ source: 1_000, build: 2_000 }))).toBeNull();
  });

  it('is made again after a source file changed (git pull, an edit)', () => {
    const root = checkout({ source: 1_000, build: 2_000 });
    fs.utimesSync(path.join(root, 'lib/conversations/ingest.ts'), 3_000, 3_000);
    expect(buildNeeded(root)).toBe('stale');
  });

  it('is made again after a source file was deleted (its folder changed)', () => {
    const root = checkout({ source: 1_000, build: 2_000 });
    fs.rmSync(path.join(root, 'lib/conversations/ingest.ts'));
    expect(buildNeeded(root)).toBe('stale');
  });

  it('is made again after the installed packages changed', () => {
    const root = checkout({ source: 1_000, build: 2_000 });
    fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
    expect(buildNeeded(root)).toBe('stale');
  });
});
