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
 *   resync                {lastEventId}  more than CATCH_UP_LIMIT missed, or older than the outbox
 *                         keeps (lib/events/prune.ts): reload state over REST
 *   session.ended         {reason}  the session or token ended, or the user was deactivated: the
 *                         server disconnects next; sign in again
 * Connecting with auth.since: first every event after it the socket may see, in order, then live
 * ones; none twice (outbox ids become visible in commit order — lib/events/bus.ts — and live events
 * at or below the replayed horizon are dropped).
 *
 * Access: who receives what is the one rule of lib/conversations/access.ts, applied live from the
 * event and memory (visibility.ts) and on catch-up from the conversations' rows now (catch-up.ts):
 * an agent replays no message of a chat it may not see now, only the last `conversation.updated`
 * that took it away (its customer blanked unless the agent held the chat). The handshake's
 * credentials are checked again on `access.changed` and every RECHECK_SECONDS (access-check.ts).
 * A browser handshake from a page of another origin is refused (403; an upgrade 400).
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { getDb } from '@/db/client';
import { getLatestEventId } from '@/db/queries/events';
import { resolveActor } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { onEvent } from '@/lib/events/bus';
import { logger } from '@/lib/logger';
import { isMisdirected } from '@/lib/security/front-door';
import { comesFromAnotherOrigin } from '@/lib/security/origin';
import { startPeriodicRecheck } from './access-check';
import { catchUp, flushBuffer } from './catch-up';
import { deliverLocal } from './delivery';
import type { ParleySocket, SocketCredentials, SocketData } from './types';
import { cancelOfflineTimer, clearOfflineTimers, startOfflineTimer } from './presence-grace';
import { startRedisRelay, type RedisRelay } from './redis-adapter';
import { initialRooms, userRoom } from './rooms';
import { forgetConversations } from './visibility';

export type { ParleySocket };

const g = globalThis as unknown as { __parleyIo?: Server; __parleyIoUnsubscribe?: () => void; __parleyIoRecheck?: () => void };

export function getIo(): Server | undefined {
  return g.__parleyIo;
}

const parseSince = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/** Socket.IO on the app's own HTTP server; every handshake must carry a session cookie or API token. */
export async function attachRealtime(httpServer: HttpServer, opts: { redisUrl?: string } = {}): Promise<Server> {
  const io = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    cors: { origin: false },
    // A page of another origin (a sibling app on another port, a subdomain: same site, so the
    // browser sends the session cookie) must not read a signed-in user's events. Clients that are
    // not browser pages send no Origin and pass (they authenticate with a token).
    allowRequest: (req, callback) => {
      const get = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const config = getConfig();
      // The HTTP front door's rules for a handshake: no page of another origin, and (loopback-only
      // demo) no DNS-rebound host name.
      const refused =
        comesFromAnotherOrigin(get, config.publicUrl) || (config.loopbackOnly && isMisdirected(get('host'), config.publicUrl));
      if (refused) logger.warn({ origin: get('origin') }, 'cross-origin socket handshake refused');
      callback(refused ? 'cross-origin request refused' : null, !refused);
    },
  });
  const relay = opts.redisUrl ? await startRedisRelay(io, { url: opts.redisUrl, deliver: (e, o) => deliverLocal(io, e, o) }) : undefined;
  (io as unknown as { __relay?: RedisRelay }).__relay = relay;
  io.use(async (socket, next) => {
    try {
      const auth = (socket.handshake.auth ?? {}) as { token?: string };
      // Kept (server side only) to run this same check again when the user's access changes.
      const credentials: SocketCredentials = {
        cookie: socket.handshake.headers.cookie,
        authorization: socket.handshake.headers.authorization,
        token: typeof auth.token === 'string' ? auth.token : undefined,
      };
      const actor = await resolveActor(credentials);
      if (!actor) return next(new Error('unauthorized'));
      Object.assign(socket.data, { actor, credentials, floor: 0, catchingUp: true, buffer: [] } satisfies SocketData);
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
        const scope = await initialRooms(getDb(), socket.data.actor);
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
  g.__parleyIoRecheck?.();
  g.__parleyIoRecheck = startPeriodicRecheck(io);
  g.__parleyIo = io;
  return io;
}

export async function closeRealtime(): Promise<void> {
  const io = g.__parleyIo;
  g.__parleyIo = undefined;
  g.__parleyIoUnsubscribe?.();
  g.__parleyIoUnsubscribe = undefined;
  g.__parleyIoRecheck?.();
  g.__parleyIoRecheck = undefined;
  clearOfflineTimers();
  forgetConversations();
  if (!io) return;
  await (io as unknown as { __relay?: RedisRelay }).__relay?.close();
  await new Promise<void>((resolve) => io.close(() => resolve()));
}
