import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import next from 'next';
import { ConfigError, getConfig } from './lib/config';
import { startRuntime, type Runtime } from './lib/bootstrap';
import { attachRealtime, closeRealtime } from './lib/realtime/server';
import { logger } from './lib/logger';
import { handleWebhook } from './lib/http/webhooks';
import { frontDoor } from './lib/security/front-door';

// When whatever reads this process's output goes away (a closed pipe: `npm start | head`, a log
// shipper that died), a write fails with EPIPE. Unheard, that error reaches Next.js's
// uncaughtException handler, which prints it to the same closed pipe, which fails again: a loop at
// 100% CPU. The logs have nowhere to go; the server goes on serving.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

/** SIGTERM ends the process within this, whatever hangs. */
const STOP_DEADLINE_MS = 25_000;

async function main() {
  let config;
  try {
    config = getConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const dev = config.env !== 'production';
  const started = Date.now();

  let runtime: Runtime;
  try {
    runtime = await startRuntime();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const app = next({ dev, hostname: 'localhost', port: config.port, dir: process.cwd() });
  await app.prepare();
  const handle = app.getRequestHandler();

  const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Cross-origin writes, oversized bodies and security headers: one rule for every route.
    if (frontDoor(req, res)) return;
    // The providers' webhooks skip the App Router (lib/http/webhooks.ts says why).
    if (handleWebhook(req, res)) return;
    // Pages read this to send an unauthenticated visitor back where they were after login.
    req.headers['x-parley-path'] = req.url ?? '/';
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await attachRealtime(httpServer, { redisUrl: config.redisUrl });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, dev, driver: runtime.db.kind, ms: Date.now() - started }, 'Parley is listening');
  console.log(`\n  Parley is ready at ${config.publicUrl} (${runtime.db.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'Postgres'})`);
  if (config.embedded && !config.loopbackOnly) {
    console.warn(
      `\n  !! HOST=${config.host}: this embedded demo is reachable from your network. Its logins are in the README:\n` +
        '  !! change their passwords (Settings → Users) before anyone else can reach this machine. The login page hides\n' +
        '  !! them and the simulator needs a login. Leave HOST unset to answer on this machine only.',
    );
  }
  if (runtime.demo.logins.length) {
    console.log(runtime.demo.seeded ? '  Demo data created. Logins:' : '  Demo logins (unless changed since):');
    for (const l of runtime.demo.logins) console.log(`    ${l.role.padEnd(10)} ${l.email.padEnd(26)} ${l.password}`);
  }
  console.log('');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => httpServer.closeAllConnections(), 10_000);
    force.unref();
    // Whatever hangs (a dependency that does not answer), the process ends within the grace period
    // orchestrators give (Kubernetes: 30 s).
    const deadline = setTimeout(() => {
      logger.error({ signal, seconds: STOP_DEADLINE_MS / 1000 }, 'shutdown did not finish in time: exiting anyway');
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    await closeRealtime();
    await closed;
    await runtime.stop();
    logger.info('stopped');
    process.exit(0);
  };
  // A promise nobody awaited that failed (a driver's background work when the database cuts its
  // connections, say) is logged, and the server goes on serving: everything durable is in Postgres,
  // and ending the process would drop every agent's connection for nothing.
  process.on('unhandledRejection', (err: unknown) => logger.error({ err }, 'unhandled rejection'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'Parley failed to start');
  console.error(err);
  process.exit(1);
});
