import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';

/** Dotted domain event names (DESIGN.md §4). Socket.IO events carry the same names. */
export const EVENT = {
  conversationCreated: 'conversation.created',
  conversationUpdated: 'conversation.updated',
  messageCreated: 'message.created',
  messageUpdated: 'message.updated',
  queueUpdated: 'queue.updated',
  agentUpdated: 'agent.updated',
  /** A user's sessions, tokens, role or active flag changed: realtime re-checks their sockets. */
  accessChanged: 'access.changed',
} as const;

export type EventType = (typeof EVENT)[keyof typeof EVENT];

/**
 * Who may see an event. Realtime turns this into rooms: the queue's members see waiting chats,
 * the assignee (and a previous assignee, so a transferred chat vanishes) sees its chat,
 * supervisors and admins see everything.
 */
export type Audience = {
  queueId?: string | null;
  conversationId?: string | null;
  /** Users who must receive it (assignee, previous assignee, offered agent). */
  userIds?: string[];
  /** Also deliver to the whole queue (waiting chats, queue counters). */
  toQueue?: boolean;
};

export type DomainEvent =
  | { type: 'conversation.created'; audience: Audience; data: { conversation: ConversationDto } }
  | { type: 'conversation.updated'; audience: Audience; data: { conversation: ConversationDto } }
  | { type: 'message.created'; audience: Audience; data: { conversationId: string; message: MessageDto } }
  | { type: 'message.updated'; audience: Audience; data: { conversationId: string; message: MessageDto } }
  | { type: 'queue.updated'; audience: Audience; data: { queueId: string; [k: string]: unknown } }
  | { type: 'agent.updated'; audience: Audience; data: { agentId: string; [k: string]: unknown } }
  | { type: 'access.changed'; audience: Audience; data: { userId: string; reason: AccessChangeReason } };

export type AccessChangeReason =
  | 'signed_out'
  | 'password_changed'
  | 'deactivated'
  | 'role_changed'
  | 'token_revoked'
  | 'session_revoked'
  | 'queues_changed';

/** An event as stored in the outbox and pushed: `eventId` increases. */
export type PublishedEvent = DomainEvent & { eventId: number; createdAt: string };
