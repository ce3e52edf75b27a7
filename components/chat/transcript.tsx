'use client';

import { useEffect, useLayoutEffect, useRef } from 'react';
import { MessageBubble, type UiMessage } from './message-bubble';

export function Transcript({
  messages,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  onRetry,
}: {
  messages: UiMessage[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry?: (m: UiMessage) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prevHeight = useRef(0);
  const firstId = messages[0]?.id;

  // Older messages prepended: keep the view where it was. New ones at the bottom: follow them
  // when the reader is at the bottom.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (prevHeight.current && el.scrollTop < 80 && el.scrollHeight > prevHeight.current && !atBottom.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevHeight.current = el.scrollHeight;
  }, [messages.length, firstId]);

  useEffect(() => {
    atBottom.current = true;
  }, []);

  const byProviderId = new Map(messages.filter((m) => m.providerMessageId).map((m) => [m.providerMessageId!, m]));
  const byId = new Map(messages.map((m) => [m.id, m]));

  return (
    <div
      ref={ref}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        if (el.scrollTop < 60 && hasOlder && !loadingOlder) onLoadOlder();
      }}
      className="min-h-0 flex-1 overflow-y-auto bg-[#efeae2] px-4 py-3"
      data-testid="transcript"
    >
      {hasOlder ? (
        <div className="mb-2 text-center">
          <button type="button" onClick={onLoadOlder} disabled={loadingOlder} className="rounded-full bg-white/80 px-3 py-1 text-xs text-slate-600 shadow-sm">
            {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
          </button>
        </div>
      ) : (
        messages.length > 0 && <p className="mb-2 text-center text-[11px] text-slate-500">Start of the conversation</p>
      )}
      {messages.map((m) => (
        <MessageBubble
          key={m.clientId && m.direction === 'outbound' ? `c:${m.clientId}` : m.id}
          m={m}
          quoted={m.replyTo ? (m.replyTo.id ? byId.get(m.replyTo.id) : undefined) ?? (m.replyTo.providerMessageId ? byProviderId.get(m.replyTo.providerMessageId) : undefined) : undefined}
          onRetry={onRetry}
        />
      ))}
    </div>
  );
}
