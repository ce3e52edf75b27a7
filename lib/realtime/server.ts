/**
 * Socket.IO: authenticated by the session cookie or `auth.token`; the server alone puts sockets in
 * rooms (user:<id>, queue:<id> for an agent's queues, conversation:<id> for the chats it holds,
 * supervisors for supervisors and admins); client messages never change membership.
 *
 * Events (every payload starts with an increasing `eventId`; see lib/events/types.ts for audiences):
 *   conversation.created  {eventId, conversation: ConversationDto}
 *   conversation.updated  {eventId, conversation}   accepted/assigned/offered/transferred/closed;
 *                         sent to the previous holder too: drop it when it is no longer yours
 *                         (assigneeId/offeredToId not you and status not waiting in your queue)
 *   message.created       {eventId, conversationId, message: MessageDto}  (kind 'system': a routing note)
 *   message.updated       {eventId, conversationId, message}
 *   queue.updated         {eventId, queueId, waiting, active, oldestWaitingAt, longestWaitSeconds}
 *   agent.updated         {eventId, agentId, name, presence, load, maxChats}   (the agent and supervisors)
 *   ready                 {user, lastEventId, replayed, truncated}  after catch-up; keep lastEventId
 *                         (or the last eventId seen) and reconnect with auth: {since: it}
 *   resync                {lastEventId}  more than CATCH_UP_LIMIT missed: reload state over REST
 * Connecting with auth.since: first every event after it the socket may see, in order, then live
 * ones; none twice (outbox ids become visible in commit order — lib/events/bus.ts — and live events
 * at or below the replayed horizon are dropped).
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { getDb } from '@/db/client';
import { getLatestEventId } from '@/db/queries/realtime-events';
import { resolveActor } from '@/lib/auth/session';
import { onEvent } from '@/lib/events/bus';
import { logger } from '@/lib/logger';
import { catchUp, flushBuffer } from './catch-up';
import { deliverLocal, type SocketData } from './delivery';
import { cancelOfflineTimer, clearOfflineTimers, startOfflineTimer } from './presence-grace';
import { startRedisRelay, type RedisRelay } from './redis-adapter';
import { initialRooms, userRoom } from './rooms';

export type ParleySocket = Socket & { data: SocketData };

const g = globalThis as unknown as { __parleyIo?: Server; __parleyIoUnsubscribe?: () => void };

export function getIo(): Server | undefined {
  return g.__parleyIo;
}

const parseSince = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/** Socket.IO on the app's own HTTP server; every handshake must carry a session cookie or API token. */
export async function attachRealtime(httpServer: HttpServer, opts: { redisUrl?: string } = {}): Promise<Server> {
  const io = new Server(httpServer, { path: '/socket.io', serveClient: false, cors: { origin: false } });
  const relay = opts.redisUrl ? await startRedisRelay(io, { url: opts.redisUrl, deliver: (e) => deliverLocal(io, e) }) : undefined;
  (io as unknown as { __relay?: RedisRelay }).__relay = relay;
  io.use(async (socket, next) => {
    try {
      const auth = (socket.handshake.auth ?? {}) as { token?: string };
      const actor = await resolveActor({
        cookie: socket.handshake.headers.cookie,
        authorization: socket.handshake.headers.authorization,
        token: typeof auth.token === 'string' ? auth.token : undefined,
      });
      if (!actor) return next(new Error('unauthorized'));
      Object.assign(socket.data, { actor, floor: 0, catchingUp: true, buffer: [] } satisfies SocketData);
      next();
    } catch (err) {
      logger.warn({ err }, 'socket handshake failed');
      next(new Error('unavailable'));
    }
  });
  io.on('connection', (raw) => {
    const socket = raw as ParleySocket;
    const { actor } = socket.data;
    cancelOfflineTimer(actor.id);
    socket.on('disconnect', () => {
      if (!io.of('/').adapter.rooms.get(userRoom(actor.id))?.size) startOfflineTimer(io, actor.id);
    });
    void (async () => {
      try {
        // Rooms first (live events are buffered meanwhile), then the replay, then the buffer.
        const scope = await initialRooms(getDb(), actor);
        socket.join(scope.rooms);
        const since = parseSince((socket.handshake.auth as { since?: unknown } | undefined)?.since);
        let info = { lastEventId: 0, replayed: 0, truncated: false };
        if (since !== undefined) info = await catchUp(socket, { since, scope });
        else info.lastEventId = await getLatestEventId(getDb());
        if (info.truncated) socket.emit('resync', { lastEventId: info.lastEventId });
        socket.emit('ready', { user: { id: actor.id, name: actor.name, role: actor.role }, ...info });
        flushBuffer(socket);
      } catch (err) {
        logger.error({ err }, 'socket setup failed');
        socket.disconnect(true);
      }
    })();
  });
  g.__parleyIoUnsubscribe?.();
  g.__parleyIoUnsubscribe = onEvent('*', (e) => {
    deliverLocal(io, e);
    relay?.publish(e);
  });
  g.__parleyIo = io;
  return io;
}

export async function closeRealtime(): Promise<void> {
  const io = g.__parleyIo;
  g.__parleyIo = undefined;
  g.__parleyIoUnsubscribe?.();
  g.__parleyIoUnsubscribe = undefined;
  clearOfflineTimers();
  if (!io) return;
  await (io as unknown as { __relay?: RedisRelay }).__relay?.close();
  await new Promise<void>((resolve) => io.close(() => resolve()));
}
