'use client';

import { useEffect, useState } from 'react';
import { toPlainText } from '@/lib/format/whatsapp';
import { formatDuration } from './format';
import type { InboxConversation, WorkspaceQueue } from './types';
import { MapPinIcon, PaperclipIcon, TemplateIcon } from '@/components/ui/icons';

/** `You: ` for the agent's own messages, then an icon for what is not plain text. */
type Preview = { prefix?: string; icon?: 'location' | 'media' | 'template'; text: string };

function preview(c: InboxConversation): Preview {
  const m = c.lastMessage;
  if (!m) return { text: 'No messages yet' };
  const prefix = m.direction === 'outbound' ? 'You: ' : '';
  if (m.kind === 'system') return { text: m.body ?? '' };
  if (m.kind === 'location') return { prefix, icon: 'location', text: 'Location' };
  if (m.kind === 'media' && !m.body) return { prefix, icon: 'media', text: 'Media' };
  if (m.kind === 'template') return { prefix, icon: 'template', text: toPlainText(m.body ?? 'Template') };
  return { prefix, text: toPlainText(m.body ?? '') };
}

const previewIcons = { location: MapPinIcon, media: PaperclipIcon, template: TemplateIcon };

function Item({
  c,
  selected,
  now,
  canAccept,
  offer,
  accepting,
  onSelect,
  onAccept,
}: {
  c: InboxConversation;
  selected: boolean;
  now: number;
  canAccept: boolean;
  /** See offerExpiry. */
  offer: number | null | undefined;
  accepting: boolean;
  onSelect: () => void;
  onAccept: () => void;
}) {
  const waiting = c.status === 'waiting';
  const { prefix, icon, text } = preview(c);
  const PreviewIcon = icon && previewIcons[icon];
  return (
    <li>
      {/* The whole row opens the chat through its name's button (its ::after covers the row), so
          the Accept button is a sibling, not a button inside a button. */}
      <div
        className={`relative flex cursor-pointer gap-3 border-b border-slate-100 px-3 py-2.5 ${
          selected ? 'bg-brand-50' : 'hover:bg-slate-50'
        }`}
        data-testid="conversation-item"
        data-conversation-id={c.id}
        data-status={c.status}
        aria-current={selected ? 'true' : undefined}
      >
        <div className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-slate-200 text-sm font-semibold text-slate-600">
          {(c.contact.name ?? c.contact.phone).replace(/^\+/, '').slice(0, 1).toUpperCase()}
        </div>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-1.5">
            <button
              type="button"
              onClick={onSelect}
              aria-current={selected ? 'true' : undefined}
              className="min-w-0 truncate text-left outline-none after:absolute after:inset-0 after:content-[''] focus-visible:after:ring-2 focus-visible:after:ring-inset focus-visible:after:ring-brand-500"
            >
              <span dir="auto" className="text-sm font-medium" data-testid="conversation-name">
                {c.contact.name ?? c.contact.phone}
              </span>
            </button>
            <span className="rounded bg-slate-100 px-1 text-[10px] font-semibold uppercase text-slate-500" title="Conversation language">
              {c.language}
            </span>
            <span className="ml-auto shrink-0 text-[11px] text-slate-500">
              {waiting ? `waiting ${formatDuration(now - Date.parse(c.createdAt))}` : new Date(c.lastMessageAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
            </span>
          </div>
          <div className="flex items-center gap-2">
            <span dir="auto" className="truncate text-xs text-slate-500" data-testid="conversation-preview">
              {prefix}
              {PreviewIcon && <PreviewIcon className="me-0.5 h-3 w-3 align-[-0.125em]" />}
              {text}
            </span>
            {c.unread > 0 && (
              <span className="ml-auto shrink-0 rounded-full bg-brand-600 px-1.5 text-[11px] font-semibold text-white" data-testid="unread-count">
                {c.unread}
              </span>
            )}
          </div>
          {offer !== undefined && (
            <div className="mt-1">
              <OfferNote expiresAt={offer} />
            </div>
          )}
          {waiting && canAccept && (
            <button
              type="button"
              disabled={accepting}
              onClick={onAccept}
              className="relative z-10 mt-1.5 rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-60"
              data-testid="accept"
            >
              {accepting ? 'Accepting…' : 'Accept'}
            </button>
          )}
        </div>
      </div>
    </li>
  );
}

/**
 * "Offered to you" on a least_busy chat, with the time left to accept when the queue has an accept
 * timeout: not accepted by then, it goes to the next agent and this one is set to Away.
 */
export function OfferNote({ expiresAt, long = false }: { expiresAt: number | null; long?: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (expiresAt === null) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [expiresAt]);
  const s = expiresAt === null ? null : Math.max(0, Math.ceil((expiresAt - now) / 1000));
  const left = s === null ? null : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const consequence = 'Not accepted in time, it goes to the next agent and you are set to Away.';
  return (
    <p className="text-[11px] font-medium text-amber-700" data-testid="offer-note" title={long ? undefined : left ? consequence : undefined}>
      Offered to you
      {left && (
        <>
          {' '}· <span data-testid="offer-countdown" className="tabular-nums">{left}</span> to accept
          {long && <span className="font-normal text-slate-500">. {consequence}</span>}
        </>
      )}
    </p>
  );
}

/** When the offer of a chat to `meId` lapses (ms), null if it never does, undefined if it is not offered to them. */
export function offerExpiry(c: InboxConversation, meId: string, queues: WorkspaceQueue[]): number | null | undefined {
  if (c.status !== 'waiting' || c.offeredToId !== meId) return undefined;
  const timeout = queues.find((q) => q.id === c.queueId)?.acceptTimeoutSeconds;
  return timeout && c.offeredAt ? Date.parse(c.offeredAt) + timeout * 1000 : null;
}

/**
 * The list's sections in the order shown: my chats (latest activity first), then the waiting ones
 * (longest waiting first: who is served next), then other agents' chats (supervisors).
 */
export function listSections(conversations: InboxConversation[], meId: string) {
  const byActivity = (a: InboxConversation, b: InboxConversation) => Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);
  const byWait = (a: InboxConversation, b: InboxConversation) => Date.parse(a.createdAt) - Date.parse(b.createdAt);
  return {
    mine: conversations.filter((c) => c.status === 'active' && c.assigneeId === meId).sort(byActivity),
    waiting: conversations.filter((c) => c.status === 'waiting').sort(byWait),
    others: conversations.filter((c) => c.status === 'active' && c.assigneeId !== meId).sort(byActivity),
  };
}

/** Whether this agent may take a waiting chat: offered to all, or offered to them. */
export function canAcceptChat(c: InboxConversation, meId: string, queues: WorkspaceQueue[]): boolean {
  const rule = queues.find((q) => q.id === c.queueId)?.routingRule;
  return c.status === 'waiting' && (c.offeredToId === meId || rule === 'offer_all' || rule === undefined);
}

export function ConversationList({
  meId,
  conversations,
  queues,
  selectedId,
  now,
  accepting,
  onSelect,
  onAccept,
}: {
  meId: string;
  conversations: InboxConversation[];
  queues: WorkspaceQueue[];
  selectedId: string | null;
  now: number;
  accepting: string | null;
  onSelect: (id: string) => void;
  onAccept: (id: string) => void;
}) {
  const { mine, waiting, others } = listSections(conversations, meId);
  const canAccept = (c: InboxConversation) => canAcceptChat(c, meId, queues);

  const section = (title: string, items: InboxConversation[], empty: string, testId: string) => (
    <section data-testid={testId}>
      <h2 className="sticky top-0 z-10 flex items-center justify-between bg-slate-100 px-3 py-1.5 text-[11px] font-semibold uppercase tracking-wide text-slate-600">
        {title} <span className="rounded-full bg-slate-200 px-1.5 text-slate-600">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p className="px-3 py-3 text-xs text-slate-500">{empty}</p>
      ) : (
        <ul>
          {items.map((c) => (
            <Item
              key={c.id}
              c={c}
              now={now}
              selected={c.id === selectedId}
              canAccept={canAccept(c)}
              offer={offerExpiry(c, meId, queues)}
              accepting={accepting === c.id}
              onSelect={() => onSelect(c.id)}
              onAccept={() => onAccept(c.id)}
            />
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      {section('My chats', mine, 'No active chats. Accepted and assigned chats appear here.', 'my-chats')}
      {section('Waiting', waiting, 'Nobody is waiting in your queues.', 'waiting-chats')}
      {others.length > 0 && section('Other agents', others, '', 'other-chats')}
    </div>
  );
}
