import { spawn } from 'node:child_process';
import net from 'node:net';

const ECHO = `const net = require('node:net');
const server = net.createServer((s) => s.setNoDelay(true).on('data', (d) => s.write(d)));
server.listen(0, '127.0.0.1', () => process.send(server.address().port));`;

/**
 * The machine's floor for anything crossing processes: round trips of one byte over loopback TCP to
 * an echo server in another process, 4 ms apart (so both sides go idle in between, as a webhook's
 * hops do at a few hundred messages/s). On a VM whose idle vCPUs the host must wake, its tail is
 * milliseconds, and a webhook that reaches an agent's socket makes about eight such hops.
 */
export async function wakeupLatency(ms = 3000): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
    const socket = net.connect(port, '127.0.0.1').setNoDelay(true);
    await new Promise((resolve) => socket.once('connect', resolve));
    const xs: number[] = [];
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const t = performance.now();
      socket.write('x');
      await new Promise((resolve) => socket.once('data', resolve));
      xs.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    socket.destroy();
    xs.sort((a, b) => a - b);
    return { p50: xs[Math.floor(xs.length / 2)]!, p99: xs[Math.floor(xs.length * 0.99)]!, max: xs.at(-1)!, n: xs.length };
  } finally {
    child.kill();
  }
}
