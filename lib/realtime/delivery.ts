import type { Server } from 'socket.io';
import type { PublishedEvent } from '@/lib/events/types';
import { onAccessChanged } from './access-check';
import { applyMembership } from './rooms';
import type { ParleySocket } from './types';
import { candidateRooms, learnConversation, mayReceive } from './visibility';

/**
 * Whether the socket has not had this event yet. Live events come in eventId order, so the floor
 * tells. A late one (the relay's repair pass: a process died between its commit and its relay)
 * is older than the floor of a socket that caught up after that death; that socket replayed only
 * the events above its `since`, so one at or below it is still news.
 */
function isNewTo(socket: ParleySocket, e: PublishedEvent, late: boolean): boolean {
  if (e.eventId > socket.data.floor) return true;
  return late && socket.data.caughtUpFrom !== undefined && e.eventId <= socket.data.caughtUpFrom;
}

export const wirePayload = (e: PublishedEvent) => ({ eventId: e.eventId, ...e.data });

/**
 * Delivers one published event to this process's sockets. Every process runs it for every event
 * (locally published, or relayed from another process through the Redis adapter), so each socket
 * gets it exactly once, from the process it is connected to. Who gets it is decided from the event
 * and memory only (lib/realtime/visibility.ts): no database query per event.
 */
export function deliverLocal(io: Server, e: PublishedEvent, { late = false }: { late?: boolean } = {}): void {
  applyMembership(io, e);
  learnConversation(e);
  // The server's own: the user's sockets here are checked again (lib/realtime/access-check.ts); never sent.
  if (e.type === 'access.changed') return onAccessChanged(io, e);
  const nsp = io.of('/');
  const ready: string[] = [];
  const seen = new Set<string>();
  for (const room of candidateRooms(e)) {
    const ids = nsp.adapter.rooms.get(room);
    if (!ids) continue;
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const socket = nsp.sockets.get(id) as ParleySocket | undefined;
      if (!socket?.data.actor) continue;
      if (socket.data.catchingUp) socket.data.buffer.push(e);
      else if (isNewTo(socket, e, late) && mayReceive(socket, socket.data.actor, e)) ready.push(id);
    }
  }
  // One encode for all recipients: each socket sits in a room named by its id.
  if (ready.length) io.local.to(ready).emit(e.type, wirePayload(e));
}
