import { getDb } from '@/db/client';
import { listConversationFacts } from '@/db/queries/conversations';
import { readEventsSince } from '@/db/queries/events';
import type { EventRow } from '@/db/schema';
import { maySeeConversation } from '@/lib/conversations/access';
import type { Audience, PublishedEvent } from '@/lib/events/types';
import type { ParleySocket } from './types';
import { wirePayload } from './delivery';
import { queueRoom, type InitialRooms } from './rooms';
import { inAudience, mayReceive } from './visibility';

export const CATCH_UP_LIMIT = 5000;

const toPublished = (r: EventRow): PublishedEvent => {
  const p = r.payload as { audience: Audience; data: PublishedEvent['data'] };
  return { type: r.type, audience: p.audience, data: p.data, eventId: r.id, createdAt: r.createdAt.toISOString() } as PublishedEvent;
};

/** The conversation an event is about, whatever its kind. */
const conversationOf = (e: PublishedEvent): string | undefined => {
  if (e.type === 'conversation.created' || e.type === 'conversation.updated') return e.data.conversation.id;
  if (e.type === 'message.created' || e.type === 'message.updated') return e.data.conversationId;
  return e.audience.conversationId ?? undefined;
};

/**
 * What an agent socket may replay, judged by who may see each conversation NOW (the one rule, with
 * the conversations' current rows and the agent's current queues), not by the audience the event had
 * when it was published: a chat a colleague took, or one of a queue the agent joined since, replays
 * nothing of its messages. A chat the agent may no longer see replays only the last update that
 * named it in its audience and shows the chat as no longer its (so the client drops it); without
 * the customer's name and number unless the agent held the chat itself.
 */
async function agentReplay(socket: ParleySocket, list: PublishedEvent[]): Promise<PublishedEvent[]> {
  const { actor } = socket.data;
  const ids = [...new Set(list.map(conversationOf).filter((x): x is string => !!x))];
  const now = new Map((await listConversationFacts(getDb(), { ids })).map((c) => [c.id, c]));
  const member = (q: string) => socket.rooms.has(queueRoom(q));
  const visibleNow = new Set(ids.filter((id) => now.has(id) && maySeeConversation(actor, now.get(id)!, member)));
  const lastDrop = new Map<string, number>();
  for (const e of list) {
    const id = conversationOf(e);
    if (!id || visibleNow.has(id) || e.type !== 'conversation.updated') continue;
    const named = inAudience(socket, e.audience);
    if (named && !maySeeConversation(actor, e.data.conversation, member)) lastDrop.set(id, e.eventId);
  }
  return list.flatMap((e) => {
    const id = conversationOf(e);
    if (!id) return mayReceive(socket, actor, e) ? [e] : [];
    if (visibleNow.has(id)) return [e];
    if (lastDrop.get(id) !== e.eventId || e.type !== 'conversation.updated') return [];
    // Named in it: the agent held the chat and knows the customer. Told through its queue only: it
    // may have joined the queue since, so the customer is not named.
    if (e.audience.userIds?.includes(actor.id)) return [e];
    const { contact } = e.data.conversation;
    return [{ ...e, data: { conversation: { ...e.data.conversation, contact: { id: contact.id, name: null, phone: '', waId: null, language: null } } } }];
  });
}

/**
 * Replays, in eventId order, the events after `since` this socket may see now, then the live events
 * that arrived meanwhile, skipping any already replayed. `truncated`: more than CATCH_UP_LIMIT, or
 * some were pruned from the outbox already (lib/events/prune.ts): the client reloads over REST.
 * Returns the eventId the client is now up to date with.
 */
export async function catchUp(
  socket: ParleySocket,
  { since, scope }: { since: number; scope: InitialRooms },
): Promise<{ lastEventId: number; replayed: number; truncated: boolean }> {
  const { actor } = socket.data;
  const { rows, horizon, oldest } = await readEventsSince(getDb(), {
    since,
    scope: actor.role === 'agent' ? { userId: actor.id, ...scope } : 'all',
    limit: CATCH_UP_LIMIT + 1,
  });
  const pruned = oldest !== null && since < horizon && since + 1 < oldest;
  const truncated = pruned || rows.length > CATCH_UP_LIMIT;
  let replayed = 0;
  if (!truncated) {
    const all = rows.map(toPublished);
    const list = actor.role === 'agent' ? await agentReplay(socket, all) : all.filter((e) => mayReceive(socket, actor, e));
    for (const e of list) {
      socket.emit(e.type, wirePayload(e));
      replayed++;
    }
  }
  socket.data.floor = horizon;
  socket.data.caughtUpFrom = since;
  return { lastEventId: horizon, replayed, truncated };
}

/** Ends catch-up: buffered live events newer than the replay go out in order, then live flows. */
export function flushBuffer(socket: ParleySocket): void {
  const pending = (socket.data.buffer as PublishedEvent[]).sort((a, b) => a.eventId - b.eventId);
  socket.data.buffer = [];
  socket.data.catchingUp = false;
  let last = socket.data.floor;
  for (const e of pending) {
    if (e.eventId <= last) continue;
    last = e.eventId;
    if (mayReceive(socket, socket.data.actor, e)) socket.emit(e.type, wirePayload(e));
  }
}
