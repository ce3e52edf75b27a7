import type { Socket } from 'socket.io';
import type { Actor } from '@/lib/auth/roles';
import { maySeeConversation, type ConversationFacts } from '@/lib/conversations/access';
import type { ConversationDto } from '@/lib/conversations/dto';
import type { Audience, PublishedEvent } from '@/lib/events/types';
import { queueRoom, roomsForAudience, SUPERVISORS, userRoom } from './rooms';

/**
 * Who may receive an event, decided with the one access rule (lib/conversations/access.ts) from
 * the event and this process's memory: no database query on the live path.
 *
 * A message event names its conversation only; the conversation's latest state this process knows
 * comes from the conversation.created/updated events it delivered (every process sees every event).
 * A message event built from a state read before a colleague took the chat (an inbound webhook
 * racing an accept, a retry of a failed reply) thus reaches only who may see the chat now.
 */
type Known = ConversationFacts & { eventId: number };

const MAX_KNOWN = 50_000;
const g = globalThis as unknown as { __parleyKnownConversations?: Map<string, Known> };
const known: Map<string, Known> = (g.__parleyKnownConversations ??= new Map());

const factsOfDto = (c: ConversationDto): ConversationFacts => ({
  status: c.status,
  assigneeId: c.assigneeId,
  offeredToId: c.offeredToId,
  queueId: c.queueId,
});

/** Remembers a conversation's state from its events (the newest eventId wins, whatever the arrival order). */
export function learnConversation(e: PublishedEvent): void {
  if (e.type !== 'conversation.created' && e.type !== 'conversation.updated') return;
  const c = e.data.conversation;
  const prev = known.get(c.id);
  if (prev && prev.eventId > e.eventId) return;
  known.delete(c.id); // re-inserted last: the Map's order is its age, the oldest go first
  known.set(c.id, { ...factsOfDto(c), eventId: e.eventId });
  if (known.size > MAX_KNOWN) known.delete(known.keys().next().value as string);
}

export function forgetConversations(): void {
  known.clear();
}

/** The conversation a message event is about, if any. */
export const messageConversationId = (e: PublishedEvent): string | undefined =>
  e.type === 'message.created' || e.type === 'message.updated' ? e.data.conversationId : undefined;

/**
 * The state a message event is judged by: the newest this process knows, else the one its audience
 * was built from (conversationAudience: userIds = assignee/offered agent, toQueue = waiting).
 */
export function messageFacts(e: PublishedEvent): { facts?: ConversationFacts; holders: string[] } {
  const id = messageConversationId(e)!;
  const k = known.get(id);
  if (k) return { facts: k, holders: [k.assigneeId, k.offeredToId].filter((x): x is string => !!x) };
  return { holders: e.audience.userIds ?? [] };
}

/** Every room a socket that may receive the event can be in (a superset: `mayReceive` decides). */
export function candidateRooms(e: PublishedEvent): string[] {
  const rooms = roomsForAudience(e.audience);
  if (!messageConversationId(e)) return rooms;
  const { facts, holders } = messageFacts(e);
  if (!facts) return rooms;
  const extra = holders.map(userRoom);
  if (facts.status === 'waiting') extra.push(queueRoom(facts.queueId));
  return [...new Set([...rooms, ...extra])];
}

// For an agent: the supervisors' room never counts (a socket demoted a moment ago may still be in it).
export const inAudience = (socket: Socket, a: Audience) => roomsForAudience(a).some((r) => r !== SUPERVISORS && socket.rooms.has(r));

/**
 * Whether this socket may receive this event now. Supervisors and admins: everything. Agents:
 * - a message of a conversation: only if the rule lets them see the conversation now;
 * - a conversation's own created/updated event: when its audience names them (the event a previous
 *   holder or the queue needs to drop a chat that is no longer theirs carries only that chat's state);
 * - queue and agent events: when their audience names them.
 * `access.changed` is for the server only: never sent.
 */
export function mayReceive(socket: Socket, actor: Actor, e: PublishedEvent): boolean {
  if (e.type === 'access.changed') return false;
  if (actor.role !== 'agent') return true;
  if (messageConversationId(e)) {
    const { facts } = messageFacts(e);
    if (!facts) return inAudience(socket, e.audience);
    return maySeeConversation(actor, facts, (q) => socket.rooms.has(queueRoom(q)));
  }
  return inAudience(socket, e.type === 'conversation.created' || e.type === 'conversation.updated' ? e.audience : { ...e.audience, conversationId: null });
}
