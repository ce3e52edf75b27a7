import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
  /** What the process printed so far (stdout and stderr, the last 200 kB). */
  output: () => string;
};

/** Starts tests/helpers/serve.ts as a child process and waits until it listens. */
export function spawnServer(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('tests', 'helpers', 'serve.ts')], {
    cwd: process.cwd(),
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let all = '';
  const keep = (d: Buffer) => (all = (all + d.toString()).slice(-200_000));
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stderr!.on('data', keep);
  child.stdout!.on('data', keep);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => (clearTimeout(force), resolve()));
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      void stop();
      reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/PARLEY_READY (\{.*\})/);
      if (m) {
        clearTimeout(t);
        resolve({ url: (JSON.parse(m[1]!) as { url: string }).url, child, stop, output: () => all });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`server exited (${code}): ${stderr}`));
    });
  });
}
