import type { Server, Socket } from 'socket.io';
import type { Db } from '@/db/client';
import { listHeldConversationIds } from '@/db/queries/conversations';
import { listMemberQueueIds } from '@/db/queries/queues';
import type { Actor } from '@/lib/auth/roles';
import type { Audience, PublishedEvent } from '@/lib/events/types';

// Room names. Only the server puts sockets in rooms; no client message can. Rooms only find the
// sockets an event may concern: whether a socket receives it is the access rule's decision
// (visibility.ts, with lib/conversations/access.ts), so a room a socket is in a moment too long
// (a stale audience, a membership change in flight) shows it nothing it may not see.
export const SUPERVISORS = 'supervisors';
export const userRoom = (id: string) => `user:${id}`;
export const queueRoom = (id: string) => `queue:${id}`;
export const conversationRoom = (id: string) => `conversation:${id}`;

/** The rooms an event goes to: supervisors always, the users named, the queue, the conversation. */
export function roomsForAudience(a: Audience): string[] {
  const rooms = [SUPERVISORS];
  for (const u of a.userIds ?? []) rooms.push(userRoom(u));
  if (a.toQueue && a.queueId) rooms.push(queueRoom(a.queueId));
  if (a.conversationId) rooms.push(conversationRoom(a.conversationId));
  return rooms;
}

export type InitialRooms = { rooms: string[]; queueIds: string[]; conversationIds: string[] };

/** A socket's rooms when it connects: its user, and its queues and held chats (agents) or supervisors. */
export async function initialRooms(db: Db, actor: Actor): Promise<InitialRooms> {
  if (actor.role !== 'agent') return { rooms: [userRoom(actor.id), SUPERVISORS], queueIds: [], conversationIds: [] };
  const [queueIds, conversationIds] = [
    await listMemberQueueIds(db, { userId: actor.id }),
    await listHeldConversationIds(db, { userId: actor.id }),
  ];
  return {
    rooms: [userRoom(actor.id), ...queueIds.map(queueRoom), ...conversationIds.map(conversationRoom)],
    queueIds,
    conversationIds,
  };
}

type ConversationLike = { id: string; status: string; assigneeId: string | null; offeredToId: string | null };

const localSocketsIn = (io: Server, room: string): Socket[] => {
  const ids = io.of('/').adapter.rooms.get(room);
  if (!ids) return [];
  const out: Socket[] = [];
  for (const id of ids) {
    const s = io.of('/').sockets.get(id);
    if (s) out.push(s);
  }
  return out;
};

/**
 * Keeps this process's room membership in step with the event stream (every process sees every
 * event, in order): a chat's room holds its assignee or offered agent; a queue's room its members.
 */
export function applyMembership(io: Server, e: PublishedEvent): void {
  if (e.type === 'conversation.created' || e.type === 'conversation.updated') {
    const c = e.data.conversation as ConversationLike;
    const holders = c.status === 'closed' ? [] : [c.assigneeId, c.offeredToId].filter((x): x is string => !!x);
    const room = conversationRoom(c.id);
    for (const s of localSocketsIn(io, room)) {
      const actor = (s.data as { actor?: Actor }).actor;
      if (actor && !holders.includes(actor.id)) void s.leave(room);
    }
    for (const h of holders) for (const s of localSocketsIn(io, userRoom(h))) void s.join(room);
  } else if (e.type === 'queue.updated' && Array.isArray(e.data.memberIds)) {
    // An admin changed the queue's members (publish queue.updated with memberIds to apply it live).
    const members = e.data.memberIds as string[];
    const room = queueRoom(e.data.queueId);
    for (const s of localSocketsIn(io, room)) {
      const actor = (s.data as { actor?: Actor }).actor;
      if (actor && !members.includes(actor.id)) void s.leave(room);
    }
    for (const m of members) {
      for (const s of localSocketsIn(io, userRoom(m))) {
        if ((s.data as { actor?: Actor }).actor?.role === 'agent') void s.join(room);
      }
    }
  }
}

export { localSocketsIn };
