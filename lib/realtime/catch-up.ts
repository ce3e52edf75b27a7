import type { Socket } from 'socket.io';
import { getDb } from '@/db/client';
import { readEventsSince } from '@/db/queries/realtime-events';
import type { EventRow } from '@/db/schema';
import type { Audience, PublishedEvent } from '@/lib/events/types';
import type { SocketData } from './delivery';
import { wirePayload } from './delivery';
import { roomsForAudience, type InitialRooms } from './rooms';

export const CATCH_UP_LIMIT = 5000;

const toPublished = (r: EventRow): PublishedEvent => {
  const p = r.payload as { audience: Audience; data: PublishedEvent['data'] };
  return { type: r.type, audience: p.audience, data: p.data, eventId: r.id, createdAt: r.createdAt.toISOString() } as PublishedEvent;
};

/**
 * Replays, in eventId order, the events after `since` this socket may see (the same room rule as
 * live delivery), then the live events that arrived meanwhile, skipping any already replayed.
 * Returns the eventId the client is now up to date with.
 */
export async function catchUp(
  socket: Socket & { data: SocketData },
  { since, scope }: { since: number; scope: InitialRooms },
): Promise<{ lastEventId: number; replayed: number; truncated: boolean }> {
  const { actor } = socket.data;
  const { rows, horizon } = await readEventsSince(getDb(), {
    since,
    scope: actor.role === 'agent' ? { userId: actor.id, ...scope } : 'all',
    limit: CATCH_UP_LIMIT + 1,
  });
  const truncated = rows.length > CATCH_UP_LIMIT;
  let replayed = 0;
  if (!truncated) {
    for (const row of rows) {
      const e = toPublished(row);
      if (!roomsForAudience(e.audience).some((r) => socket.rooms.has(r))) continue;
      socket.emit(e.type, wirePayload(e));
      replayed++;
    }
  }
  socket.data.floor = horizon;
  return { lastEventId: horizon, replayed, truncated };
}

/** Ends catch-up: buffered live events newer than the replay go out in order, then live flows. */
export function flushBuffer(socket: Socket & { data: SocketData }): void {
  const pending = (socket.data.buffer as PublishedEvent[]).sort((a, b) => a.eventId - b.eventId);
  socket.data.buffer = [];
  socket.data.catchingUp = false;
  let last = socket.data.floor;
  for (const e of pending) {
    if (e.eventId <= last) continue;
    socket.emit(e.type, wirePayload(e));
    last = e.eventId;
  }
}
