import type { Server } from 'socket.io';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/auth/roles';
import { resolveActor } from '@/lib/auth/session';
import type { PublishedEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';
import type { ParleySocket, SocketCredentials } from './types';
import { initialRooms, localSocketsIn, userRoom } from './rooms';

/** How often every socket's credentials are checked again, whatever events were missed. */
export const RECHECK_SECONDS = 60;
const CONCURRENCY = 4;

const keyOf = (c: SocketCredentials) => JSON.stringify([c.authorization ?? '', c.token ?? '', c.cookie ?? '']);

/**
 * Runs the handshake's authentication again for these sockets (one resolveActor per distinct
 * credential): a signed-out or expired session, a revoked token or a deactivated user ends the
 * socket (`session.ended`, then disconnect); a changed role or name re-computes its rooms at once.
 */
export async function recheckSockets(sockets: ParleySocket[], reason: string): Promise<{ ended: number; changed: number }> {
  const byCredential = new Map<string, ParleySocket[]>();
  for (const s of sockets) {
    if (!s.connected || !s.data.credentials) continue;
    const k = keyOf(s.data.credentials);
    byCredential.set(k, [...(byCredential.get(k) ?? []), s]);
  }
  let ended = 0;
  let changed = 0;
  const groups = [...byCredential.values()];
  const recheckGroup = async (group: ParleySocket[]) => {
    let actor: Actor | null;
    try {
      actor = await resolveActor(group[0]!.data.credentials);
    } catch (err) {
      // The database is away: keep the sockets (they are checked again at the next round).
      logger.warn({ err }, 'socket access re-check failed');
      return;
    }
    for (const s of group) {
      if (!actor || actor.id !== s.data.actor.id) {
        s.emit('session.ended', { reason: actor ? 'signed_out' : reason });
        s.disconnect(true);
        ended++;
      } else if (actor.role !== s.data.actor.role || reason === 'queues_changed') {
        s.data.actor = actor;
        changed++;
        // Meanwhile (or if this fails) delivery already judges by the new role, whatever the rooms.
        await rejoinRooms(s).catch((err: unknown) => logger.warn({ err }, 'socket rooms not recomputed'));
      } else {
        s.data.actor = actor;
      }
    }
  };
  // A few at a time: the same check as a handshake (resolveActor), without a burst of queries.
  const lanes = Array.from({ length: Math.min(CONCURRENCY, groups.length) }, async () => {
    for (let group = groups.shift(); group; group = groups.shift()) await recheckGroup(group);
  });
  await Promise.all(lanes);
  if (ended || changed) logger.info({ ended, changed, reason }, 'socket access re-checked');
  return { ended, changed };
}

/** Moves a socket to the rooms its (new) role and queues give, leaving the others. */
async function rejoinRooms(s: ParleySocket): Promise<void> {
  const { rooms } = await initialRooms(getDb(), s.data.actor);
  const keep = new Set([s.id, ...rooms]);
  for (const r of [...s.rooms]) if (!keep.has(r)) s.leave(r);
  s.join(rooms);
}

/** `access.changed` for a user, in every process: that user's sockets here are checked again. */
export function onAccessChanged(io: Server, e: PublishedEvent): void {
  if (e.type !== 'access.changed') return;
  const sockets = localSocketsIn(io, userRoom(e.data.userId)) as ParleySocket[];
  if (!sockets.length) return;
  void recheckSockets(sockets, e.data.reason).catch((err: unknown) => logger.error({ err }, 'socket access re-check failed'));
}

/** Every socket of this process, checked again every RECHECK_SECONDS. */
export function startPeriodicRecheck(io: Server): () => void {
  let running = false;
  const t = setInterval(() => {
    if (running) return;
    running = true;
    void recheckAllSockets(io)
      .catch((err: unknown) => logger.error({ err }, 'socket access re-check failed'))
      .finally(() => (running = false));
  }, RECHECK_SECONDS * 1000);
  t.unref();
  return () => clearInterval(t);
}

export function recheckAllSockets(io: Server): Promise<{ ended: number; changed: number }> {
  return recheckSockets([...io.of('/').sockets.values()] as ParleySocket[], 'expired');
}
