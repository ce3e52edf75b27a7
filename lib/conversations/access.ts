import type { Db } from '@/db/client';
import { isQueueMember } from '@/db/queries/queues';
import type { Conversation } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';

/** What decides who may see a conversation: the conversation row and its DTO both carry it. */
export type ConversationFacts = Pick<Conversation, 'status' | 'assigneeId' | 'offeredToId' | 'queueId'>;

/**
 * THE rule for who may see a conversation now, used by REST (canSeeConversation), live socket
 * delivery (lib/realtime/delivery.ts, with the socket's queue rooms) and catch-up (with the
 * conversations' current rows): supervisors and admins all; an agent the chats assigned to it (its
 * own closed ones too), a chat offered to it while it waits, and the waiting chats of its queues.
 * `isMember` answers whether the agent is a member of the conversation's queue now.
 */
export function maySeeConversation(
  viewer: Pick<Actor, 'id' | 'role'>,
  c: ConversationFacts,
  isMember: (queueId: string) => boolean,
): boolean {
  if (viewer.role !== 'agent') return true;
  if (c.assigneeId === viewer.id) return true;
  if (c.status !== 'waiting') return false;
  return c.offeredToId === viewer.id || isMember(c.queueId);
}

/** Whether the answer for this agent depends on its queue membership (else no query is needed). */
const needsMembership = (viewer: Pick<Actor, 'id' | 'role'>, c: ConversationFacts) =>
  viewer.role === 'agent' && c.status === 'waiting' && c.assigneeId !== viewer.id && c.offeredToId !== viewer.id;

/** maySeeConversation with the agent's membership of the conversation's queue read from the database. */
export async function canSeeConversation(db: Db, actor: Actor, c: ConversationFacts): Promise<boolean> {
  const member = needsMembership(actor, c) && (await isQueueMember(db, { queueId: c.queueId, userId: actor.id }));
  return maySeeConversation(actor, c, () => member);
}

/** 404 (not 403) for a conversation the actor may not see: its existence is not revealed. */
export async function assertCanSeeConversation(db: Db, actor: Actor, c: ConversationFacts | undefined): Promise<void> {
  if (!c || !(await canSeeConversation(db, actor, c))) throw new AppError('not_found:No such conversation.');
}
