'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';
import { Composer, type OutgoingDraft } from '@/components/chat/composer';
import { ContactPanel } from '@/components/chat/contact-panel';
import type { UiMessage } from '@/components/chat/message-bubble';
import { Transcript } from '@/components/chat/transcript';
import { useRealtime } from '@/components/realtime/use-realtime';
import { canAcceptChat, ConversationList, listSections, OfferNote, offerExpiry } from './conversation-list';
import { isMuted, notifyNewChat, setMuted } from './notify';
import { PresenceSwitch } from './presence-switch';
import { BellIcon, BellOffIcon } from '@/components/ui/icons';
import { Modal } from '@/components/ui/modal';
import { TranscriptView } from '@/components/history/transcript-view';
import { api, ApiError } from '@/components/api/client';
import type { InboxConversation, WorkspaceData, WorkspaceQueue } from './types';

type Thread = { items: UiMessage[]; nextCursor: string | null; loading: boolean; loaded: boolean };
type Presence = 'available' | 'away' | 'offline';

const rank: Record<string, number> = { pending: 1, queued: 2, sent: 3, delivered: 4, read: 5, failed: 6, undelivered: 6 };

/** Merges a server message into a thread: replaces the optimistic copy (same clientId) or an older state. */
function mergeMessage(items: UiMessage[], m: MessageDto): UiMessage[] {
  const i = items.findIndex((x) => x.id === m.id || (m.clientId && x.clientId === m.clientId && x.direction === 'outbound'));
  if (i === -1) return [...items, m].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const cur = items[i]!;
  // Ticks never go backwards, whatever order events arrive in.
  if (!cur.id.startsWith('local:') && !cur.localError && (rank[cur.status] ?? 0) > (rank[m.status] ?? 0) && m.attachments.length === cur.attachments.length && m.attachments.every((a, k) => a.status === cur.attachments[k]?.status)) {
    return items;
  }
  const next = items.slice();
  next[i] = m;
  return next;
}

function newClientId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

export function AgentWorkspace() {
  const [data, setData] = useState<WorkspaceData | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [conversations, setConversations] = useState<Record<string, InboxConversation>>({});
  const [threads, setThreads] = useState<Record<string, Thread>>({});
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [presence, setPresence] = useState<Presence>('offline');
  const [queues, setQueues] = useState<WorkspaceQueue[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [accepting, setAccepting] = useState<string | null>(null);
  /** An earlier conversation of the open chat's customer, read in a dialog. */
  const [earlierId, setEarlierId] = useState<string | null>(null);
  const [toast, setToast] = useState<{ text: string; tone: 'info' | 'error' } | null>(null);
  const [muted, setMutedState] = useState(false);
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>('default');
  const selectedRef = useRef<string | null>(null);
  const dataRef = useRef<WorkspaceData | null>(null);
  /** Per conversation: the last message still being sent (sendDraft queues the next behind it). */
  const sendChains = useRef(new Map<string, Promise<boolean>>());
  const convRef = useRef<Record<string, InboxConversation>>({});
  // Ids listed, kept in step with every state update (convRef lags until the next render): a
  // message of a chat listed a moment ago must not fetch it again.
  const listedRef = useRef<Set<string>>(new Set());

  useEffect(() => {
    selectedRef.current = selectedId;
    dataRef.current = data;
    convRef.current = conversations;
  });

  const meId = data?.me.id ?? '';
  const isAgent = data?.me.role === 'agent';

  const flash = useCallback((text: string, tone: 'info' | 'error' = 'info') => {
    setToast({ text, tone });
    window.setTimeout(() => setToast((t) => (t?.text === text ? null : t)), 5000);
  }, []);

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

  useEffect(() => {
    void load();
    setMutedState(isMuted());
    setPermission(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
    const initial = new URLSearchParams(window.location.search).get('c');
    if (initial) setSelectedId(initial);
    const t = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(t);
  }, [load]);

  /** Whether this agent should see the conversation in its lists. */
  const visible = useCallback(
    (c: ConversationDto): boolean => {
      const d = dataRef.current;
      if (!d) return false;
      if (c.status === 'closed') return false;
      if (d.me.role !== 'agent') return true;
      if (c.assigneeId === d.me.id && c.status === 'active') return true;
      if (c.status !== 'waiting') return false;
      return c.offeredToId === d.me.id || d.queues.some((q) => q.id === c.queueId);
    },
    [],
  );

  const markRead = useCallback((id: string) => {
    setConversations((cs) => (cs[id] && cs[id].unread ? { ...cs, [id]: { ...cs[id], unread: 0 } } : cs));
    void api(`/api/v1/conversations/${id}/read`, { method: 'POST' }).catch(() => {});
  }, []);

  const loadThread = useCallback(async (id: string, before?: string) => {
    setThreads((t) => ({ ...t, [id]: { ...(t[id] ?? { items: [], nextCursor: null, loaded: false }), loading: true } }));
    try {
      const q = before ? `?before=${before}&limit=50` : '?limit=50';
      const page = await api<{ items: MessageDto[]; nextCursor: string | null }>(`/api/v1/conversations/${id}/messages${q}`);
      setThreads((t) => {
        const cur = t[id] ?? { items: [], nextCursor: null, loaded: false, loading: false };
        let items = before ? [...page.items, ...cur.items] : cur.items.filter((m) => m.id.startsWith('local:'));
        if (!before) for (const m of page.items) items = mergeMessage(items, m);
        return { ...t, [id]: { items, nextCursor: page.nextCursor, loading: false, loaded: true } };
      });
    } catch (e) {
      setThreads((t) => ({ ...t, [id]: { ...(t[id] ?? { items: [], nextCursor: null, loaded: false }), loading: false } }));
      flash((e as Error).message, 'error');
    }
  }, [flash]);

  const select = useCallback(
    (id: string) => {
      setSelectedId(id);
      const url = new URL(window.location.href);
      url.searchParams.set('c', id);
      window.history.replaceState(null, '', url);
    },
    [],
  );

  useEffect(() => {
    if (!selectedId || !data) return;
    if (!threads[selectedId]?.loaded && !threads[selectedId]?.loading) void loadThread(selectedId);
    markRead(selectedId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId, data]);

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
      if (!visible(c)) {
        if (ifAbsent) return;
        listedRef.current.delete(c.id);
        setConversations((cs) => {
          if (!cs[c.id]) return cs;
          const next = { ...cs };
          delete next[c.id];
          return next;
        });
        if (prev && d && prev.assigneeId === d.me.id && c.assigneeId !== d.me.id && c.status !== 'closed') {
          flash(`${c.contact.name ?? c.contact.phone} was transferred.`);
        }
        return;
      }
      listedRef.current.add(c.id);
      setConversations((cs) =>
        ifAbsent && cs[c.id] ? cs : { ...cs, [c.id]: { unread: 0, lastMessage: null, ...(cs[c.id] as InboxConversation | undefined), ...c } },
      );
      if (d && d.me.role === 'agent') {
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
    [visible, flash],
  );

  const onMessage = useCallback(
    async (conversationId: string, m: MessageDto, created: boolean) => {
      setThreads((t) => (t[conversationId] ? { ...t, [conversationId]: { ...t[conversationId], items: mergeMessage(t[conversationId].items, m) } } : t));
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
      setConversations((cs) => {
        const c = cs[conversationId];
        if (!c) return cs;
        return {
          ...cs,
          [conversationId]: {
            ...c,
            lastMessageAt: m.createdAt,
            lastMessage: { kind: m.kind, body: m.body, direction: m.direction, status: m.status, createdAt: m.createdAt },
            lastInboundAt: m.direction === 'inbound' ? m.createdAt : c.lastInboundAt,
            windowExpiresAt: m.direction === 'inbound' ? new Date(Date.parse(m.createdAt) + 86_400_000).toISOString() : c.windowExpiresAt,
            unread: m.direction === 'inbound' && !isOpen ? c.unread + 1 : c.unread,
          },
        };
      });
      if (isOpen && m.direction === 'inbound') markRead(conversationId);
    },
    [markRead, upsertConversation],
  );

  const status = useRealtime(
    {
      'conversation.created': (p) => upsertConversation(p.conversation as ConversationDto, true),
      'conversation.updated': (p) => upsertConversation(p.conversation as ConversationDto, false),
      'message.created': (p) => void onMessage(p.conversationId as string, p.message as MessageDto, true),
      'message.updated': (p) => void onMessage(p.conversationId as string, p.message as MessageDto, false),
      'agent.updated': (p) => {
        if (p.agentId === dataRef.current?.me.id && typeof p.presence === 'string') setPresence(p.presence as Presence);
      },
      'queue.updated': (p) => {
        // An admin changed a queue's members: my queues and their waiting chats may have changed.
        if (Array.isArray(p.memberIds)) return void load();
        setQueues((qs) => qs.map((q) => (q.id === p.queueId ? { ...q, waiting: Number(p.waiting ?? q.waiting), active: Number(p.active ?? q.active) } : q)));
      },
    },
    {
      // Connect once the first snapshot is here, catching up from the event it reflects.
      enabled: data !== null,
      since: data?.lastEventId,
      // After a reconnection that missed too much, reload everything over REST.
      onResync: () => void load(),
      onReady: (first) => {
        if (!first) {
          const id = selectedRef.current;
          if (id) void loadThread(id);
        }
      },
    },
  );

  const accept = useCallback(async (id: string) => {
    setAccepting(id);
    try {
      const c = await api<ConversationDto | { conversation: ConversationDto }>(`/api/v1/conversations/${id}/accept`, { method: 'POST' });
      const conv = 'conversation' in c ? c.conversation : c;
      upsertConversation(conv, false);
      select(id);
    } catch (e) {
      const err = e as ApiError;
      flash(err.status === 409 ? 'Another agent accepted this chat first.' : err.message, 'error');
      if (err.status === 409 || err.status === 404) {
        setConversations((cs) => {
          const next = { ...cs };
          if (next[id]?.status === 'waiting') delete next[id];
          return next;
        });
      }
    } finally {
      setAccepting(null);
    }
  }, [upsertConversation, select, flash]);

  const postMessage = async (conversationId: string, clientId: string, body: Record<string, unknown>) => {
    let lastError: unknown;
    // The same clientId on every attempt: a retried POST is never sent twice.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await api<MessageDto>(`/api/v1/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId, ...body } });
      } catch (e) {
        lastError = e;
        if (!(e instanceof ApiError) || (e.status !== 0 && e.status < 500)) break;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
    throw lastError;
  };

  const sendDraft = async (conversationId: string, draft: OutgoingDraft, clientId = newClientId()): Promise<boolean> => {
    const me = dataRef.current?.me;
    const optimistic: UiMessage = {
      id: `local:${clientId}`,
      conversationId,
      direction: 'outbound',
      kind: draft.kind === 'template' ? 'template' : draft.kind,
      body:
        draft.kind === 'text'
          ? draft.text
          : draft.kind === 'media'
            ? (draft.text ?? null)
            : draft.template.body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (w, k: string) => draft.variables[k] ?? w),
      status: 'pending',
      errorCode: null,
      errorReason: null,
      providerMessageId: null,
      clientId,
      replyTo: null,
      location: null,
      button: null,
      templateId: draft.kind === 'template' ? draft.template.id : null,
      templateVariables: draft.kind === 'template' ? draft.variables : null,
      attachments:
        draft.kind === 'media'
          ? [{ id: `local:${clientId}`, contentType: draft.file.type, size: draft.file.size, filename: draft.file.name, status: 'pending', failureReason: null, url: null }]
          : [],
      author: me ? { id: me.id, name: me.name } : null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    setThreads((t) => {
      const cur = t[conversationId] ?? { items: [], nextCursor: null, loading: false, loaded: false };
      return { ...t, [conversationId]: { ...cur, items: [...cur.items.filter((m) => m.clientId !== clientId), optimistic] } };
    });
    // The bubble shows at once; the POSTs of one chat go one after another, so that a message the
    // agent typed while a photo was still uploading reaches the customer after the photo, not before.
    const previous = sendChains.current.get(conversationId) ?? Promise.resolve();
    const delivered = previous.then(() => deliver(conversationId, draft, clientId));
    sendChains.current.set(conversationId, delivered);
    void delivered.finally(() => {
      if (sendChains.current.get(conversationId) === delivered) sendChains.current.delete(conversationId);
    });
    return delivered;
  };

  /** Uploads and posts one message; true unless the agent should get the draft back to rework it. */
  const deliver = async (conversationId: string, draft: OutgoingDraft, clientId: string): Promise<boolean> => {
    try {
      let body: Record<string, unknown>;
      if (draft.kind === 'media') {
        const form = new FormData();
        form.append('file', draft.file);
        const uploaded = await api<{ id: string }>('/api/v1/attachments', { method: 'POST', body: form });
        body = { attachmentId: uploaded.id, ...(draft.text ? { text: draft.text } : {}) };
      } else if (draft.kind === 'template') body = { templateId: draft.template.id, variables: draft.variables };
      else body = { text: draft.text };
      const saved = await postMessage(conversationId, clientId, body);
      setThreads((t) => ({ ...t, [conversationId]: { ...t[conversationId]!, items: mergeMessage(t[conversationId]!.items, saved) } }));
      return true;
    } catch (e) {
      const err = e as ApiError;
      setThreads((t) => ({
        ...t,
        [conversationId]: {
          ...t[conversationId]!,
          items: t[conversationId]!.items.map((m) => (m.clientId === clientId ? { ...m, status: 'failed', localError: err.message } : m)),
        },
      }));
      if (err.code === 'window_closed') flash(err.message, 'error');
      return err.code !== 'window_closed' && err.status !== 0 ? true : false;
    }
  };

  const retry = async (conversationId: string, m: UiMessage) => {
    if (m.localError) {
      // Never stored: send the same content again under the same clientId.
      const draft: OutgoingDraft | null =
        m.kind === 'text' && m.body ? { kind: 'text', text: m.body } : null;
      if (draft) await sendDraft(conversationId, draft, m.clientId ?? undefined);
      else flash('Attach the file again to resend it.', 'error');
      return;
    }
    try {
      const saved = await api<MessageDto>(`/api/v1/conversations/${conversationId}/messages/${m.id}/retry`, { method: 'POST' });
      if (saved?.id) setThreads((t) => ({ ...t, [conversationId]: { ...t[conversationId]!, items: mergeMessage(t[conversationId]!.items, { ...saved }) } }));
    } catch (e) {
      flash((e as Error).message, 'error');
    }
  };

  const list = useMemo(() => Object.values(conversations), [conversations]);
  const selected = selectedId ? conversations[selectedId] : undefined;
  const thread = selectedId ? threads[selectedId] : undefined;
  const channel = data?.channels.find((c) => c.id === selected?.channelId);
  const totalUnread = list.reduce((n, c) => n + c.unread, 0);

  useEffect(() => {
    document.title = totalUnread ? `(${totalUnread}) Parley` : 'Parley';
  }, [totalUnread]);

  // Keyboard: Alt+↓ / Alt+↑ the next / previous chat in the list's order (also while typing a
  // reply), Alt+A accepts the open chat when it is waiting.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !meId || earlierId) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const { mine, waiting, others } = listSections(list, meId);
        const order = [...mine, ...waiting, ...others].map((c) => c.id);
        if (!order.length) return;
        e.preventDefault();
        const at = selectedId ? order.indexOf(selectedId) : -1;
        const next = e.key === 'ArrowDown' ? (at + 1) % order.length : at <= 0 ? order.length - 1 : at - 1;
        select(order[next]!);
        document.querySelector(`[data-conversation-id="${order[next]}"]`)?.scrollIntoView({ block: 'nearest' });
      } else if (e.code === 'KeyA' && selected && canAcceptChat(selected, meId, queues)) {
        e.preventDefault();
        if (accepting !== selected.id) void accept(selected.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [list, meId, selectedId, selected, queues, accepting, select, accept, earlierId]);

  if (loadError && !data) {
    return (
      <div className="flex flex-1 items-center justify-center p-8 text-center" data-testid="workspace-error">
        <div>
          <p className="text-sm text-rose-700">{loadError}</p>
          <button type="button" onClick={() => void load()} className="mt-3 rounded-md border px-3 py-1.5 text-sm">
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (!data) {
    return <div className="flex flex-1 items-center justify-center text-sm text-slate-500">Loading your inbox…</div>;
  }

  // Only the chat's assignee writes in it; supervisors and admins read others' chats (DESIGN.md).
  const canWrite = !!selected && selected.status === 'active' && selected.assigneeId === meId;
  const selectedOffer = selected ? offerExpiry(selected, meId, queues) : undefined;
  const readOnlyReason = !selected
    ? ''
    : selected.status === 'waiting'
      ? 'Accept this chat to reply.'
      : selected.status === 'closed'
        ? 'This chat is closed. A new message from the customer opens a new chat.'
        : isAgent
          ? 'This chat belongs to another agent.'
          : 'Read-only: only the agent this chat is assigned to can reply.';

  return (
    <div className="flex min-h-0 flex-1" data-testid="agent-workspace" data-realtime={status}>
      <div className="flex w-80 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="space-y-2 border-b border-slate-200 p-3">
          <div className="flex items-center justify-between">
            <PresenceSwitch presence={presence} onChange={setPresence} />
            <span
              className={`text-[11px] ${status === 'live' ? 'text-emerald-700' : 'text-amber-600'}`}
              data-testid="realtime-status"
              title="Live updates"
            >
              ● {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
            </span>
          </div>
          {presence !== 'available' && isAgent && (
            <p className="rounded-md bg-amber-50 px-2 py-1 text-[11px] text-amber-800" data-testid="presence-hint">
              {presence === 'away' ? 'You are away: you keep your chats but get no new ones.' : 'You are offline: set yourself Available to receive chats.'}
            </p>
          )}
          <div className="flex flex-wrap items-center gap-1.5 text-[11px] text-slate-500">
            {queues.map((q) => (
              <span
                key={q.id}
                data-testid="queue-chip"
                className="flex max-w-[14rem] whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5"
                title={`${q.name}: ${q.routingRule === 'offer_all' ? 'offered to all' : 'assigned to the least busy'}`}
              >
                {/* A long queue name is shortened; the count always shows. */}
                <span className="truncate">{q.name}</span>
                <span>: {q.waiting} waiting</span>
              </span>
            ))}
            <span className="ml-auto flex gap-1">
              <button
                type="button"
                onClick={() => {
                  setMuted(!muted);
                  setMutedState(!muted);
                }}
                title={muted ? 'Sound and notifications are off' : 'Sound and notifications are on'}
                aria-label={muted ? 'Unmute notifications' : 'Mute notifications'}
                className="rounded p-0.5 text-slate-600 hover:bg-slate-100"
                data-testid="mute"
              >
                {muted ? <BellOffIcon className="h-3.5 w-3.5" /> : <BellIcon className="h-3.5 w-3.5" />}
              </button>
              {permission === 'default' && (
                <button
                  type="button"
                  onClick={() => void Notification.requestPermission().then(setPermission)}
                  className="rounded px-1 text-brand-700 hover:bg-slate-100"
                >
                  Enable desktop alerts
                </button>
              )}
            </span>
          </div>
        </div>
        <ConversationList
          meId={meId}
          conversations={list}
          queues={queues}
          selectedId={selectedId}
          now={now}
          accepting={accepting}
          onSelect={select}
          onAccept={(id) => void accept(id)}
        />
        <p className="border-t border-slate-200 px-3 py-1.5 text-[11px] text-slate-500" data-testid="keyboard-hint">
          <kbd className="font-sans">Alt</kbd>+<kbd className="font-sans">↑</kbd>/<kbd className="font-sans">↓</kbd> switch chats ·{' '}
          <kbd className="font-sans">Alt</kbd>+<kbd className="font-sans">A</kbd> accept
        </p>
      </div>

      <main className="flex min-w-0 flex-1 flex-col">
        {selected ? (
          <>
            <div className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-2.5">
              <div className="min-w-0">
                <div dir="auto" className="truncate font-medium" data-testid="chat-title">
                  {selected.contact.name ?? selected.contact.phone}
                </div>
                <div className="text-xs text-slate-500">
                  {selected.contact.phone} · {selected.status === 'waiting' ? 'waiting' : selected.status}
                  {channel?.environment === 'sandbox' && ' · sandbox'}
                </div>
                {selectedOffer !== undefined && <OfferNote expiresAt={selectedOffer} long />}
              </div>
              {selected.status === 'waiting' && (
                <button
                  type="button"
                  onClick={() => void accept(selected.id)}
                  disabled={accepting === selected.id}
                  className="ml-auto rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
                  data-testid="accept-open"
                  title="Accept (Alt+A)"
                >
                  Accept chat
                </button>
              )}
            </div>
            <Transcript
              messages={thread?.items ?? []}
              hasOlder={!!thread?.nextCursor}
              loadingOlder={!!thread?.loading && !!thread?.loaded}
              onLoadOlder={() => thread?.nextCursor && void loadThread(selected.id, thread.nextCursor)}
              onRetry={canWrite ? (m) => void retry(selected.id, m) : undefined}
            />
            <Composer
              key={selected.id}
              conversation={selected}
              agentName={data.me.name}
              canWrite={canWrite}
              readOnlyReason={readOnlyReason}
              onSend={(d) => sendDraft(selected.id, d)}
            />
          </>
        ) : (
          <div className="flex flex-1 items-center justify-center bg-slate-50 p-8 text-center" data-testid="no-chat-selected">
            <div>
              <p className="font-medium text-slate-700">{list.length ? 'Pick a chat on the left' : 'No chats right now'}</p>
              <p className="mt-1 text-sm text-slate-500">
                {presence === 'available' ? 'New chats from your queues appear here as they arrive.' : 'Set yourself Available to receive chats.'}
              </p>
            </div>
          </div>
        )}
      </main>

      {selected && (
        <ContactPanel
          conversation={selected}
          channel={channel}
          queues={data.allQueues}
          meId={meId}
          canAct={!isAgent || selected.assigneeId === meId}
          onOpen={setEarlierId}
          onChanged={(text) => {
            flash(text);
            void load();
          }}
        />
      )}

      {earlierId && (
        <Modal title="Earlier conversation" onClose={() => setEarlierId(null)} testId="earlier-dialog" wide>
          <div className="-mx-5 -my-4 flex max-h-[70vh] flex-col overflow-y-auto">
            <TranscriptView conversationId={earlierId} />
          </div>
        </Modal>
      )}

      {toast && (
        <div
          role="status"
          className={`fixed bottom-4 left-1/2 z-50 -translate-x-1/2 rounded-md px-4 py-2 text-sm text-white shadow-lg ${toast.tone === 'error' ? 'bg-rose-700' : 'bg-slate-800'}`}
          data-testid="toast"
        >
          {toast.text}
        </div>
      )}
    </div>
  );
}

