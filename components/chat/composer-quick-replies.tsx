'use client';

import { useEffect, useMemo, useState } from 'react';
import { api } from '@/components/api/client';
import type { InboxConversation } from '@/components/inbox/types';
import { fillQuickReply, type QuickReplyValues } from '@/lib/templates/placeholders';

export type QuickReply = { id: string; shortcut: string; language: string; text: string };

/** The fields of a quick reply as this conversation and agent fill them: what the box shows is what is sent. */
export function quickReplyValues(conversation: InboxConversation, agentName: string): QuickReplyValues {
  return { 'contact.name': conversation.contact.name, 'contact.phone': conversation.contact.phone, 'agent.name': agentName };
}

/** "/" at the start opens the quick replies of the conversation's language (contact → channel), English if it has none. */
export function useQuickReplies(conversation: InboxConversation, query: string | null) {
  const [quickReplies, setQuickReplies] = useState<QuickReply[] | null>(null);
  useEffect(() => {
    if (query === null || quickReplies !== null) return;
    const load = async () => {
      const q = new URLSearchParams({ language: conversation.language, queueId: conversation.queueId });
      let items = (await api<{ items: QuickReply[] }>(`/api/v1/quick-replies?${q}`)).items;
      if (!items.length && conversation.language !== 'en') {
        items = (await api<{ items: QuickReply[] }>(`/api/v1/quick-replies?language=en&queueId=${conversation.queueId}`)).items;
      }
      setQuickReplies(items);
    };
    load().catch(() => setQuickReplies([]));
  }, [query, quickReplies, conversation.language, conversation.queueId]);

  const matches = useMemo(() => {
    if (query === null || !quickReplies) return [];
    return quickReplies.filter((r) => r.shortcut.toLowerCase().includes(query) || r.text.toLowerCase().includes(query)).slice(0, 8);
  }, [query, quickReplies]);
  return { loaded: quickReplies !== null, matches };
}

export function QuickReplyMenu({
  query,
  language,
  loaded,
  matches,
  index,
  values,
  onPick,
}: {
  query: string;
  language: string;
  loaded: boolean;
  matches: QuickReply[];
  index: number;
  values: QuickReplyValues;
  onPick: (r: QuickReply) => void;
}) {
  return (
    <div className="absolute bottom-full left-4 right-4 mb-1 max-h-64 overflow-y-auto rounded-lg border border-slate-200 bg-white shadow-lg" data-testid="quick-replies">
      {!loaded ? (
        <p className="p-3 text-xs text-slate-500">Loading quick replies…</p>
      ) : matches.length === 0 ? (
        <p className="p-3 text-xs text-slate-500">No quick reply matches “/{query}” in {language}.</p>
      ) : (
        <ul role="listbox" aria-label="Quick replies">
          {matches.map((r, i) => (
            <li
              key={r.id}
              role="option"
              aria-selected={i === index}
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(r);
              }}
              className={`cursor-pointer px-3 py-2 text-sm ${i === index ? 'bg-brand-50' : 'hover:bg-slate-50'}`}
              data-testid="quick-reply-option"
            >
              <span className="font-mono text-xs text-brand-700">/{r.shortcut}</span> <span className="text-[10px] uppercase text-slate-400">{r.language}</span>
              <div className="truncate text-xs text-slate-600">{fillQuickReply(r.text, values)}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
