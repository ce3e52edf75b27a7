import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { queueMembers, type Conversation } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';

/**
 * Who may read a conversation: supervisors and admins all; an agent its own chats (assigned now,
 * or offered to it) and the waiting chats of its queues.
 */
export async function canSeeConversation(
  db: Db,
  actor: Actor,
  c: Pick<Conversation, 'assigneeId' | 'offeredToId' | 'status' | 'queueId'>,
): Promise<boolean> {
  if (actor.role !== 'agent') return true;
  if (c.assigneeId === actor.id || c.offeredToId === actor.id) return true;
  if (c.status !== 'waiting') return false;
  const [m] = await db
    .select({ userId: queueMembers.userId })
    .from(queueMembers)
    .where(and(eq(queueMembers.queueId, c.queueId), eq(queueMembers.userId, actor.id)))
    .limit(1);
  return !!m;
}

/** 404 (not 403) for a conversation the actor may not see: its existence is not revealed. */
export async function assertCanSeeConversation(
  db: Db,
  actor: Actor,
  c: Pick<Conversation, 'assigneeId' | 'offeredToId' | 'status' | 'queueId'> | undefined,
): Promise<void> {
  if (!c || !(await canSeeConversation(db, actor, c))) throw new AppError('not_found:No such conversation.');
}
