import type { Server, Socket } from 'socket.io';
import type { Actor } from '@/lib/auth/roles';
import type { PublishedEvent } from '@/lib/events/types';
import { applyMembership, roomsForAudience } from './rooms';

/** Per-socket delivery state: while catching up, live events wait in `buffer`; `floor` dedupes. */
export type SocketData = {
  actor: Actor;
  /** Every event with eventId <= floor was already replayed to this socket (or is not its to see). */
  floor: number;
  catchingUp: boolean;
  buffer: PublishedEvent[];
};

export const wirePayload = (e: PublishedEvent) => ({ eventId: e.eventId, ...e.data });

/**
 * Delivers one published event to this process's sockets. Every process runs it for every event
 * (locally published, or relayed from another process through the Redis adapter), so each socket
 * gets it exactly once, from the process it is connected to.
 */
export function deliverLocal(io: Server, e: PublishedEvent): void {
  applyMembership(io, e);
  const nsp = io.of('/');
  const ready: string[] = [];
  const seen = new Set<string>();
  for (const room of roomsForAudience(e.audience)) {
    const ids = nsp.adapter.rooms.get(room);
    if (!ids) continue;
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const socket = nsp.sockets.get(id) as (Socket & { data: SocketData }) | undefined;
      if (!socket) continue;
      if (socket.data.catchingUp) socket.data.buffer.push(e);
      else if (e.eventId > socket.data.floor) ready.push(id);
    }
  }
  // One encode for all recipients: each socket sits in a room named by its id.
  if (ready.length) io.local.to(ready).emit(e.type, wirePayload(e));
}
