import type { Db } from '@/db/client';
import { getAgentLoad } from '@/db/queries/users';
import { getContactById } from '@/db/queries/contacts';
import { getQueueCountsMany } from '@/db/queries/queues';
import { insertSystemMessage } from '@/db/queries/messages';
import type { Conversation, User } from '@/db/schema';
import { toConversationDto, toMessageDto } from '@/lib/conversations/dto';
import type { DomainEvent } from '@/lib/events/types';

const present = (ids: (string | null | undefined)[]) => [...new Set(ids.filter((x): x is string => !!x))];

/**
 * conversation.updated for a change from `before` to `after`: the assignee and offered agent of
 * both states (a transferred chat vanishes for its previous holder), the queue whenever the chat
 * is or was waiting there (the others of an offer_all queue drop an accepted chat), supervisors.
 */
export async function conversationChanged(
  db: Db,
  before: Conversation,
  after: Conversation,
): Promise<DomainEvent[]> {
  const contact = await getContactById(db, { id: after.contactId });
  const conversation = toConversationDto(after, contact);
  const userIds = present([before.assigneeId, before.offeredToId, after.assigneeId, after.offeredToId]);
  const out: DomainEvent[] = [
    {
      type: 'conversation.updated',
      audience: {
        queueId: after.queueId,
        conversationId: after.id,
        userIds,
        toQueue: after.status === 'waiting' || (before.status === 'waiting' && before.queueId === after.queueId),
      },
      data: { conversation },
    },
  ];
  if (before.queueId !== after.queueId && before.status === 'waiting') {
    // It left a queue where it was waiting: that queue's members drop it too.
    out.push({
      type: 'conversation.updated',
      audience: { queueId: before.queueId, conversationId: after.id, userIds, toQueue: true },
      data: { conversation },
    });
  }
  return out;
}

/** A note in the transcript (kind 'system'), published like any message. */
export async function systemMessage(db: Db, conversation: Conversation, body: string): Promise<DomainEvent> {
  const message = await insertSystemMessage(db, { conversation, body });
  return {
    type: 'message.created',
    audience: {
      queueId: conversation.queueId,
      conversationId: conversation.id,
      userIds: present([conversation.assigneeId, conversation.offeredToId]),
      toQueue: conversation.status === 'waiting',
    },
    data: { conversationId: conversation.id, message: toMessageDto(message) },
  };
}

/** queue.updated with the live counters a queue's members and supervisors show. */
export async function queueChanged(db: Db, queueId: string): Promise<DomainEvent> {
  return (await queuesChanged(db, [queueId]))[0]!;
}

/** queue.updated for several queues, counted in one query. */
export async function queuesChanged(db: Db, queueIds: string[]): Promise<DomainEvent[]> {
  const counts = await getQueueCountsMany(db, { queueIds });
  return queueIds.map((queueId) => {
    const c = counts.get(queueId)!;
    return {
      type: 'queue.updated',
      audience: { queueId, toQueue: true },
      data: {
        queueId,
        waiting: c.waiting,
        active: c.active,
        oldestWaitingAt: c.oldestWaitingAt?.toISOString() ?? null,
        longestWaitSeconds: c.oldestWaitingAt ? Math.max(0, Math.round((Date.now() - c.oldestWaitingAt.getTime()) / 1000)) : 0,
      },
    };
  });
}

/** agent.updated: presence and load, for the agent itself and supervisors. */
export async function agentChanged(db: Db, user: User): Promise<DomainEvent> {
  const load = await getAgentLoad(db, { userId: user.id });
  return {
    type: 'agent.updated',
    audience: { userIds: [user.id] },
    data: { agentId: user.id, name: user.name, presence: user.presence, load, maxChats: user.maxChats },
  };
}

export async function queueEventsFor(db: Db, ...queueIds: string[]): Promise<DomainEvent[]> {
  const out: DomainEvent[] = [];
  for (const q of new Set(queueIds)) out.push(await queueChanged(db, q));
  return out;
}
