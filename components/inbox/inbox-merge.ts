/**
 * The inbox's merge rules, pure: how a realtime event or a REST answer changes the list of
 * conversations and a conversation's thread. Events can arrive twice, late or out of order, and the
 * agent's own sends show before the server has them; these functions keep the screen right anyway.
 */
import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';
import type { UiMessage } from '@/components/chat/message-bubble';
import type { InboxConversation, WorkspaceQueue } from './types';

export type Thread = { items: UiMessage[]; nextCursor: string | null; loading: boolean; loaded: boolean };
export type InboxViewer = { id: string; role: string };

const rank: Record<string, number> = { pending: 1, queued: 2, sent: 3, delivered: 4, read: 5, failed: 6, undelivered: 6 };

export function isLocal(m: UiMessage): boolean {
  return m.id.startsWith('local:');
}

/**
 * Merges a server message into a thread (kept in createdAt order): replaces the same message (id)
 * or the optimistic copy of it (same clientId, outbound); a status older than the one shown is ignored.
 */
export function mergeMessage(items: UiMessage[], m: MessageDto): UiMessage[] {
  const i = items.findIndex((x) => x.id === m.id || (m.clientId && x.clientId === m.clientId && x.direction === 'outbound'));
  if (i === -1) return [...items, m].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const cur = items[i]!;
  // Ticks never go backwards, whatever order events arrive in.
  const sameAttachments = m.attachments.length === cur.attachments.length && m.attachments.every((a, k) => a.status === cur.attachments[k]?.status);
  if (!isLocal(cur) && !cur.localError && (rank[cur.status] ?? 0) > (rank[m.status] ?? 0) && sameAttachments) return items;
  const next = items.slice();
  next[i] = m;
  return next;
}

/**
 * A thread after a page of its messages arrived. `before` (an older page): prepended. The newest
 * page: replaces what was shown, except the agent's sends not stored yet, merged in by clientId.
 */
export function mergePage(current: UiMessage[], page: MessageDto[], before?: string): UiMessage[] {
  if (before) return [...page, ...current];
  let items = current.filter(isLocal);
  for (const m of page) items = mergeMessage(items, m);
  return items;
}

/** Whether a viewer lists the conversation: supervisors and admins every open one; an agent its own and its queues' waiting ones. */
export function isListed(c: ConversationDto, me: InboxViewer, queues: Pick<WorkspaceQueue, 'id'>[]): boolean {
  if (c.status === 'closed') return false;
  if (me.role !== 'agent') return true;
  if (c.assigneeId === me.id && c.status === 'active') return true;
  if (c.status !== 'waiting') return false;
  return c.offeredToId === me.id || queues.some((q) => q.id === c.queueId);
}

/** The list with a conversation's new state; keeps its unread count and last message. `ifAbsent`: only adds. */
export function withConversation(
  cs: Record<string, InboxConversation>,
  c: ConversationDto,
  { ifAbsent = false }: { ifAbsent?: boolean } = {},
): Record<string, InboxConversation> {
  if (ifAbsent && cs[c.id]) return cs;
  return { ...cs, [c.id]: { unread: 0, lastMessage: null, ...(cs[c.id] as InboxConversation | undefined), ...c } };
}

/** The list without a conversation (the same object when it was not there). */
export function withoutConversation(cs: Record<string, InboxConversation>, id: string): Record<string, InboxConversation> {
  if (!cs[id]) return cs;
  const next = { ...cs };
  delete next[id];
  return next;
}

/**
 * A listed conversation after a new message in it: its preview and activity time; an inbound one
 * reopens the 24 h window and, unless the agent has the chat open, counts as unread.
 */
export function withNewMessage(c: InboxConversation, m: MessageDto, { isOpen }: { isOpen: boolean }): InboxConversation {
  const inbound = m.direction === 'inbound';
  return {
    ...c,
    lastMessageAt: m.createdAt,
    lastMessage: { kind: m.kind, body: m.body, direction: m.direction, status: m.status, createdAt: m.createdAt },
    lastInboundAt: inbound ? m.createdAt : c.lastInboundAt,
    windowExpiresAt: inbound ? new Date(Date.parse(m.createdAt) + 86_400_000).toISOString() : c.windowExpiresAt,
    unread: inbound && !isOpen ? c.unread + 1 : c.unread,
  };
}
