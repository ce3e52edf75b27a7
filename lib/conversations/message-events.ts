import type { Db } from '@/db/client';
import type { Conversation, Message } from '@/db/schema';
import { listAttachmentsForMessages } from '@/db/queries/attachments';
import { getConversationById } from '@/db/queries/conversations';
import type { Audience, DomainEvent } from '@/lib/events/types';
import { toMessageDto } from './dto';

/** Who sees a conversation's messages: its queue while waiting, its assignee (and offered agent). */
export function conversationAudience(c: Pick<Conversation, 'id' | 'queueId' | 'assigneeId' | 'offeredToId' | 'status'>): Audience {
  const userIds = [c.assigneeId, c.offeredToId].filter((x): x is string => !!x);
  return {
    queueId: c.queueId,
    conversationId: c.id,
    ...(userIds.length ? { userIds: [...new Set(userIds)] } : {}),
    toQueue: c.status === 'waiting',
  };
}

/** A `message.updated` event for a message as it is now (with its attachments). */
export async function messageUpdatedEvent(
  db: Db,
  message: Message,
  conversation?: Pick<Conversation, 'id' | 'queueId' | 'assigneeId' | 'offeredToId' | 'status'>,
): Promise<DomainEvent | null> {
  const c = conversation ?? (await getConversationById(db, { id: message.conversationId }));
  if (!c) return null;
  const attachments = await listAttachmentsForMessages(db, { messageIds: [message.id] });
  return {
    type: 'message.updated',
    audience: conversationAudience(c),
    data: { conversationId: message.conversationId, message: toMessageDto(message, attachments) },
  };
}
