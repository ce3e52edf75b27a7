import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { resolveActor } from '@/lib/auth/session';
import type { Actor } from '@/lib/auth/roles';
import { logger } from '@/lib/logger';

export type ParleySocket = Socket & { data: { actor: Actor } };

const g = globalThis as unknown as { __parleyIo?: Server };

export function getIo(): Server | undefined {
  return g.__parleyIo;
}

/** Socket.IO on the app's own HTTP server; every handshake must carry a session cookie or API token. */
export async function attachRealtime(httpServer: HttpServer, opts: { redisUrl?: string } = {}): Promise<Server> {
  const io = new Server(httpServer, { path: '/socket.io', serveClient: false, cors: { origin: false } });
  if (opts.redisUrl) {
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const { createClient } = await import('redis');
    const pub = createClient({ url: opts.redisUrl });
    const sub = pub.duplicate();
    pub.on('error', (err) => logger.error({ err }, 'redis publisher error'));
    sub.on('error', (err) => logger.error({ err }, 'redis subscriber error'));
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    io.engine.on('close', () => {});
    (io as unknown as { __redis: unknown[] }).__redis = [pub, sub];
  }
  io.use(async (socket, next) => {
    try {
      const auth = (socket.handshake.auth ?? {}) as { token?: string };
      const actor = await resolveActor({
        cookie: socket.handshake.headers.cookie,
        authorization: socket.handshake.headers.authorization,
        token: typeof auth.token === 'string' ? auth.token : undefined,
      });
      if (!actor) return next(new Error('unauthorized'));
      socket.data.actor = actor;
      next();
    } catch (err) {
      logger.warn({ err }, 'socket handshake failed');
      next(new Error('unavailable'));
    }
  });
  io.on('connection', (socket) => {
    const { actor } = (socket as ParleySocket).data;
    void socket.join(`user:${actor.id}`);
    socket.emit('ready', { user: { id: actor.id, name: actor.name, role: actor.role } });
  });
  g.__parleyIo = io;
  return io;
}

export async function closeRealtime(): Promise<void> {
  const io = g.__parleyIo;
  g.__parleyIo = undefined;
  if (!io) return;
  await new Promise<void>((resolve) => io.close(() => resolve()));
  const clients = (io as unknown as { __redis?: { quit: () => Promise<unknown> }[] }).__redis ?? [];
  await Promise.all(clients.map((c) => c.quit().catch(() => {})));
}
