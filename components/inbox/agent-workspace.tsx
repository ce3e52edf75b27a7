'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';
import { Composer } from '@/components/chat/composer';
import { ContactPanel } from '@/components/chat/contact-panel';
import { Transcript } from '@/components/chat/transcript';
import { useRealtime } from '@/components/realtime/use-realtime';
import { ConversationList, OfferNote, offerExpiry } from './conversation-list';
import { InboxSidebarHeader } from './inbox-sidebar-header';
import { Modal } from '@/components/ui/modal';
import { TranscriptView } from '@/components/history/transcript-view';
import { useConversationList, type Presence } from './use-conversation-list';
import { useInboxKeys } from './use-inbox-keys';
import { useSend } from './use-send';
import { useThreads } from './use-thread';

/**
 * The agent's inbox: the conversation list on the left, the open chat in the middle, the contact on
 * the right. State lives in hooks: the list (use-conversation-list), threads (use-thread), sending
 * (use-send), keys (use-inbox-keys); this component wires them to the socket and renders.
 */
export function AgentWorkspace() {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  /** An earlier conversation of the open chat's customer, read in a dialog. */
  const [earlierId, setEarlierId] = useState<string | null>(null);
  const [toast, setToast] = useState<{ text: string; tone: 'info' | 'error' } | null>(null);
  const selectedRef = useRef<string | null>(null);

  useEffect(() => {
    selectedRef.current = selectedId;
  });

  const flash = useCallback((text: string, tone: 'info' | 'error' = 'info') => {
    setToast({ text, tone });
    window.setTimeout(() => setToast((t) => (t?.text === text ? null : t)), 5000);
  }, []);

  const select = useCallback((id: string) => {
    setSelectedId(id);
    const url = new URL(window.location.href);
    url.searchParams.set('c', id);
    window.history.replaceState(null, '', url);
  }, []);

  const inbox = useConversationList({ flash, selectedRef, onAccepted: select });
  const { data, dataRef, loadError, load, conversations, presence, setPresence, queues, accepting, accept, markRead, upsertConversation } = inbox;
  const { threads, setThreads, loadThread, applyMessage } = useThreads(flash);
  const { sendDraft, retry } = useSend({ me: () => dataRef.current?.me, setThreads, flash });

  const meId = data?.me.id ?? '';
  const isAgent = data?.me.role === 'agent';

  useEffect(() => {
    void load();
    const initial = new URLSearchParams(window.location.search).get('c');
    if (initial) setSelectedId(initial);
    const t = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(t);
  }, [load]);

  useEffect(() => {
    if (!selectedId || !data) return;
    if (!threads[selectedId]?.loaded && !threads[selectedId]?.loading) void loadThread(selectedId);
    markRead(selectedId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId, data]);

  const onMessage = (conversationId: string, m: MessageDto, created: boolean) => {
    applyMessage(conversationId, m);
    void inbox.onMessage(conversationId, m, created);
  };

  const status = useRealtime(
    {
      'conversation.created': (p) => upsertConversation(p.conversation as ConversationDto, true),
      'conversation.updated': (p) => upsertConversation(p.conversation as ConversationDto, false),
      'message.created': (p) => onMessage(p.conversationId as string, p.message as MessageDto, true),
      'message.updated': (p) => onMessage(p.conversationId as string, p.message as MessageDto, false),
      'agent.updated': (p) => {
        if (p.agentId === dataRef.current?.me.id && typeof p.presence === 'string') setPresence(p.presence as Presence);
      },
      'queue.updated': inbox.onQueueUpdated,
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

  const list = useMemo(() => Object.values(conversations), [conversations]);
  const selected = selectedId ? conversations[selectedId] : undefined;
  const thread = selectedId ? threads[selectedId] : undefined;
  const channel = data?.channels.find((c) => c.id === selected?.channelId);
  const totalUnread = list.reduce((n, c) => n + c.unread, 0);

  useEffect(() => {
    document.title = totalUnread ? `(${totalUnread}) Parley` : 'Parley';
  }, [totalUnread]);

  useInboxKeys({ list, meId, selectedId, selected, queues, accepting, paused: !!earlierId, select, accept });


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
        <InboxSidebarHeader presence={presence} onPresenceChange={setPresence} status={status} isAgent={isAgent} queues={queues} />
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

