import type { Server } from 'socket.io';
import { getDb } from '@/db/client';
import { getUserById } from '@/db/queries/users';
import { getConfig } from '@/lib/config';
import { logger } from '@/lib/logger';
import { setPresence } from '@/lib/routing/presence';
import { userRoom } from './rooms';

const timers = new Map<string, NodeJS.Timeout>();

/** A socket of the user connected (here): a pending offline is off. */
export function cancelOfflineTimer(userId: string): void {
  const t = timers.get(userId);
  if (t) clearTimeout(t);
  timers.delete(userId);
}

/**
 * A socket of the user went away. When none of its sockets, on any process, is back within
 * PRESENCE_GRACE_SECONDS, the user goes offline (its chats stay; offers move on).
 */
export function startOfflineTimer(io: Server, userId: string): void {
  cancelOfflineTimer(userId);
  const t = setTimeout(() => {
    timers.delete(userId);
    void (async () => {
      try {
        const sockets = await io.in(userRoom(userId)).fetchSockets();
        if (sockets.length) return;
        const user = await getUserById(getDb(), { id: userId });
        if (user && user.presence !== 'offline') await setPresence({ userId, presence: 'offline' });
      } catch (err) {
        logger.warn({ err, userId }, 'presence grace check failed');
      }
    })();
  }, getConfig().presenceGraceSeconds * 1000);
  t.unref();
  timers.set(userId, t);
}

export function clearOfflineTimers(): void {
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
}
