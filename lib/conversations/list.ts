import { getDb } from '@/db/client';
import { getQueueById, getQueueCounts, isQueueMember, listMemberQueueIds, listMemberQueues, listQueueAgents } from '@/db/queries/queues';
import { listConversationPage, type ConversationCursor } from '@/db/queries/conversations';
import type { Conversation } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { toConversationDto, type ConversationDto } from '@/lib/conversations/dto';
import { AppError } from '@/lib/errors';

const encodeCursor = (c: ConversationCursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

function decodeCursor(cursor: string): ConversationCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) throw new Error();
    return { createdAt, id };
  } catch {
    throw new AppError('bad_request:The cursor is not valid.');
  }
}

/**
 * Conversations an actor may see: agents their own chats and their queues' waiting chats;
 * supervisors and admins all. Waiting chats come oldest first (the order they are served), others
 * newest first.
 */
export async function listConversations({
  actor,
  status,
  queueId,
  assigneeId,
  cursor,
  limit = 50,
}: {
  actor: Actor;
  status?: Conversation['status'][];
  queueId?: string;
  assigneeId?: string;
  cursor?: string;
  limit?: number;
}): Promise<{ items: ConversationDto[]; nextCursor: string | null }> {
  const db = getDb();
  const visibleTo = actor.role === 'agent' ? { userId: actor.id, queueIds: await listMemberQueueIds(db, { userId: actor.id }) } : undefined;
  const order = status?.length === 1 && status[0] === 'waiting' ? 'asc' : 'desc';
  const rows = await listConversationPage(db, {
    statuses: status,
    queueId,
    assigneeId,
    visibleTo,
    order,
    cursor: cursor ? decodeCursor(cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toConversationDto(r.conversation, r.contact)),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: last.conversation.createdAt.toISOString(), id: last.conversation.id }) : null,
  };
}

/** The queue's members with presence and load: any member of the queue, supervisors and admins. */
export async function listAgentsOfQueue({ actor, queueId }: { actor: Actor; queueId: string }) {
  const db = getDb();
  const queue = await getQueueById(db, { id: queueId });
  if (!queue || (actor.role === 'agent' && !(await isQueueMember(db, { queueId, userId: actor.id })))) {
    throw new AppError('not_found:No such queue.');
  }
  return { items: await listQueueAgents(db, { queueId }) };
}

/** The queues the actor is a member of, with their routing rule and live counters. */
export async function listMyQueues({ actor }: { actor: Actor }) {
  const db = getDb();
  const items = [];
  for (const q of await listMemberQueues(db, { userId: actor.id })) {
    const counts = await getQueueCounts(db, { queueId: q.id });
    items.push({
      id: q.id,
      name: q.name,
      routingRule: q.routingRule,
      acceptTimeoutSeconds: q.acceptTimeoutSeconds,
      completionTimeoutMinutes: q.completionTimeoutMinutes,
      waiting: counts.waiting,
      active: counts.active,
      oldestWaitingAt: counts.oldestWaitingAt?.toISOString() ?? null,
    });
  }
  return { items };
}
