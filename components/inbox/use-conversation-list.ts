'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';
import { api, type ApiError } from '@/components/api/client';
import { isListed, withConversation, withNewMessage, withoutConversation } from './inbox-merge';
import { notifyNewChat } from './notify';
import type { InboxConversation, WorkspaceData, WorkspaceQueue } from './types';

export type Presence = 'available' | 'away' | 'offline';

/**
 * The workspace snapshot (`/api/v1/workspace`) and the conversation list kept current from it:
 * `upsertConversation` and `onMessage` apply realtime events or REST answers; `accept` takes a
 * waiting chat. `selectedRef` is the chat the agent has open (its messages are not unread).
 */
export function useConversationList({
  flash,
  selectedRef,
  onAccepted,
}: {
  flash: (text: string, tone?: 'info' | 'error') => void;
  selectedRef: React.RefObject<string | null>;
  onAccepted: (id: string) => void;
}) {
  const [data, setData] = useState<WorkspaceData | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [conversations, setConversations] = useState<Record<string, InboxConversation>>({});
  const [presence, setPresence] = useState<Presence>('offline');
  const [queues, setQueues] = useState<WorkspaceQueue[]>([]);
  const [accepting, setAccepting] = useState<string | null>(null);
  const dataRef = useRef<WorkspaceData | null>(null);
  const convRef = useRef<Record<string, InboxConversation>>({});
  // Ids listed, kept in step with every state update (convRef lags until the next render): a
  // message of a chat listed a moment ago must not fetch it again.
  const listedRef = useRef<Set<string>>(new Set());

  useEffect(() => {
    dataRef.current = data;
    convRef.current = conversations;
  });

  const load = useCallback(async () => {
    try {
      const d = await api<WorkspaceData>('/api/v1/workspace');
      setData(d);
      setPresence(d.me.presence);
      setQueues(d.queues);
      setConversations(Object.fromEntries(d.conversations.map((c) => [c.id, c])));
      listedRef.current = new Set(d.conversations.map((c) => c.id));
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, []);

  const markRead = useCallback((id: string) => {
    setConversations((cs) => (cs[id] && cs[id].unread ? { ...cs, [id]: { ...cs[id], unread: 0 } } : cs));
    void api(`/api/v1/conversations/${id}/read`, { method: 'POST' }).catch(() => {});
  }, []);

  /**
   * Applies a conversation's new state from an event (in eventId order) or a REST answer. `ifAbsent`:
   * a REST read that may have been overtaken by events meanwhile (it was read before them), so it
   * only fills in a chat not listed yet and never overwrites what the events said.
   */
  const upsertConversation = useCallback(
    (c: ConversationDto, created: boolean, { ifAbsent = false }: { ifAbsent?: boolean } = {}) => {
      if (ifAbsent && listedRef.current.has(c.id)) return;
      const prev = convRef.current[c.id];
      const d = dataRef.current;
      if (!d || !isListed(c, d.me, d.queues)) {
        if (ifAbsent) return;
        listedRef.current.delete(c.id);
        setConversations((cs) => withoutConversation(cs, c.id));
        if (prev && d && prev.assigneeId === d.me.id && c.assigneeId !== d.me.id && c.status !== 'closed') {
          flash(`${c.contact.name ?? c.contact.phone} was transferred.`);
        }
        return;
      }
      listedRef.current.add(c.id);
      setConversations((cs) => withConversation(cs, c, { ifAbsent }));
      if (d.me.role === 'agent') {
        const becameMine = c.assigneeId === d.me.id && prev?.assigneeId !== d.me.id;
        const offeredToMe = c.offeredToId === d.me.id && prev?.offeredToId !== d.me.id;
        const newWaiting = created && c.status === 'waiting';
        if (becameMine || offeredToMe || newWaiting) {
          notifyNewChat(
            becameMine ? 'New chat assigned to you' : 'New chat waiting',
            `${c.contact.name ?? c.contact.phone} · ${d.queues.find((q) => q.id === c.queueId)?.name ?? ''}`,
          );
        }
      }
    },
    [flash],
  );

  /** A message created or updated in a conversation: its preview, unread count and window. */
  const onMessage = useCallback(
    async (conversationId: string, m: MessageDto, created: boolean) => {
      if (!created) return;
      if (!listedRef.current.has(conversationId)) {
        // A chat we had not listed yet (e.g. its first message): fetch it.
        try {
          const c = await api<ConversationDto>(`/api/v1/conversations/${conversationId}`);
          upsertConversation(c, false, { ifAbsent: true });
        } catch {
          return;
        }
      }
      const isOpen = selectedRef.current === conversationId && document.visibilityState === 'visible';
      setConversations((cs) => (cs[conversationId] ? { ...cs, [conversationId]: withNewMessage(cs[conversationId], m, { isOpen }) } : cs));
      if (isOpen && m.direction === 'inbound') markRead(conversationId);
    },
    [markRead, upsertConversation, selectedRef],
  );

  /** Queue counts from a `queue.updated` event; a change of members reloads everything. */
  const onQueueUpdated = useCallback(
    (p: Record<string, unknown>) => {
      // An admin changed a queue's members: my queues and their waiting chats may have changed.
      if (Array.isArray(p.memberIds)) return void load();
      setQueues((qs) => qs.map((q) => (q.id === p.queueId ? { ...q, waiting: Number(p.waiting ?? q.waiting), active: Number(p.active ?? q.active) } : q)));
    },
    [load],
  );

  const accept = useCallback(
    async (id: string) => {
      setAccepting(id);
      try {
        const c = await api<ConversationDto | { conversation: ConversationDto }>(`/api/v1/conversations/${id}/accept`, { method: 'POST' });
        upsertConversation('conversation' in c ? c.conversation : c, false);
        onAccepted(id);
      } catch (e) {
        const err = e as ApiError;
        flash(err.status === 409 ? 'Another agent accepted this chat first.' : err.message, 'error');
        if (err.status === 409 || err.status === 404) {
          setConversations((cs) => (cs[id]?.status === 'waiting' ? withoutConversation(cs, id) : { ...cs }));
        }
      } finally {
        setAccepting(null);
      }
    },
    [upsertConversation, onAccepted, flash],
  );

  return { data, dataRef, loadError, load, conversations, presence, setPresence, queues, accepting, accept, markRead, upsertConversation, onMessage, onQueueUpdated };
}
