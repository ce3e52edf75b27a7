/**
 * The production server (`server.ts`: Next.js, Socket.IO, jobs on one port, NODE_ENV=production) as
 * a child process for the benchmarks, so the load generator never shares its event loop. Builds
 * first when there is no build or it is older than the code, as `npm start` does. BENCH_NODE_ARGS adds node flags (e.g. --cpu-prof);
 * BENCH_SERVER_LOG=1 passes the server's output through (to stderr).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../../tests/helpers/free-port';
import { ensureBuild } from '../../scripts/ensure-build.mjs';
import { SERVER_ARGS } from '../../scripts/server-args.mjs';

export type ProductionServer = {
  url: string;
  pid: number;
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs: () => number;
  stop: () => Promise<void>;
};

export async function startProductionServer(env: Record<string, string>, timeoutMs = 120_000): Promise<ProductionServer> {
  ensureBuild();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...SERVER_ARGS], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (process.env.BENCH_SERVER_LOG) {
    child.stderr!.pipe(process.stderr);
    child.stdout!.pipe(process.stderr);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A benchmark that dies must not leave its server running: it would skew every later figure.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(force);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not answer /api/health in ${timeoutMs} ms:\n${log}`);
    }
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pid = child.pid!;
  const ticks = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);
  const cpuMs = () => {
    // /proc/<pid>/stat: utime and stime are fields 14 and 15 (after the parenthesised command name).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  };
  return { url, pid, cpuMs, stop };
}
