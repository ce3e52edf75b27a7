/**
 * One Parley test server as its own process (the two-process test runs two of these on one
 * database and one Redis):
 *   DATABASE_URL=... REDIS_URL=... AUTH_SECRET=... ENCRYPTION_KEY=... node --import tsx tests/helpers/serve.ts
 * Serves every app/**\/route.ts handler, Socket.IO and the job workers on a free port (or PORT),
 * prints `PARLEY_READY {"url": ...}` when it listens, and stops cleanly on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '@/db/client';
import { resetConfig } from '@/lib/config';
import { startRuntime } from '@/lib/bootstrap';
import { attachRealtime, closeRealtime } from '@/lib/realtime/server';
import { createRouteHandler, loadRoutes } from './router';

async function main() {
  let base = 'http://127.0.0.1';
  const server = createServer(createRouteHandler(loadRoutes(), () => base));
  await new Promise<void>((r) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Behind a load balancer (the several-processes test) every process has the balancer's URL.
  process.env.PUBLIC_URL = process.env.SERVE_PUBLIC_URL || base;
  (process.env as Record<string, string | undefined>).NODE_ENV ??= 'test';
  resetConfig();
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, inMemory: !process.env.DATABASE_URL, poolSize: 10 });
  const runtime = await startRuntime({ db, seedDemo: false });
  await attachRealtime(server, { redisUrl: process.env.REDIS_URL });
  process.stdout.write(`PARLEY_READY ${JSON.stringify({ url: base, pid: process.pid })}\n`);

  const stop = async () => {
    await closeRealtime();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await runtime.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
