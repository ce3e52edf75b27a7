import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port';

// `npm start | head`, or a log shipper that dies: whatever reads Parley's output goes away. The
// server (server.ts with Next.js, as `npm start` runs it; the dev server here, which needs no build)
// must go on serving without burning a core on the closed pipe.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pipe-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const ticks = () => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
};
let pid = 0;

describe('server.ts whose output pipe is closed', () => {
  it('goes on answering, idle', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATA_DIR: dataDir,
        DATABASE_URL: '', // the embedded database: this test needs no Postgres
        AUTH_SECRET: randomBytes(32).toString('hex'),
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pid = child.pid!;
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`not ready in 90 s: ${out}`)), 90_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Parley is ready')) {
            clearTimeout(t);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited (${code}): ${out}`)));
      });
      // The reader goes away; then the server has things to say (the dev server logs each request).
      child.stdout!.destroy();
      child.stderr!.destroy();
      const health = await fetch(`${url}/api/health`);
      expect(health.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_000)); // the route's first compile settles
      const before = ticks();
      await new Promise((r) => setTimeout(r, 3_000));
      const cpuSeconds = (ticks() - before) / 100;
      // Unrepaired: 3 s of CPU in 3 s (a loop printing the write error to the closed pipe).
      expect(cpuSeconds).toBeLessThan(1);
      expect(child.exitCode).toBeNull();
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
