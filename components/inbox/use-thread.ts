'use client';

import { useCallback, useState } from 'react';
import type { MessageDto } from '@/lib/conversations/dto';
import { api } from '@/components/api/client';
import { mergeMessage, mergePage, type Thread } from './inbox-merge';

const emptyThread: Thread = { items: [], nextCursor: null, loading: false, loaded: false };

/**
 * The message threads of the conversations opened so far, by conversation id: loaded a page at a
 * time (`loadThread`, with `before` for older messages), kept current by `applyMessage`.
 */
export function useThreads(flash: (text: string, tone?: 'info' | 'error') => void) {
  const [threads, setThreads] = useState<Record<string, Thread>>({});

  const loadThread = useCallback(
    async (id: string, before?: string) => {
      setThreads((t) => ({ ...t, [id]: { ...(t[id] ?? emptyThread), loading: true } }));
      try {
        const q = before ? `?before=${before}&limit=50` : '?limit=50';
        const page = await api<{ items: MessageDto[]; nextCursor: string | null }>(`/api/v1/conversations/${id}/messages${q}`);
        setThreads((t) => {
          const cur = t[id] ?? emptyThread;
          return { ...t, [id]: { items: mergePage(cur.items, page.items, before), nextCursor: page.nextCursor, loading: false, loaded: true } };
        });
      } catch (e) {
        setThreads((t) => ({ ...t, [id]: { ...(t[id] ?? emptyThread), loading: false } }));
        flash((e as Error).message, 'error');
      }
    },
    [flash],
  );

  /** A message from an event: merged into its thread if that thread was ever opened. */
  const applyMessage = useCallback((conversationId: string, m: MessageDto) => {
    setThreads((t) => (t[conversationId] ? { ...t, [conversationId]: { ...t[conversationId], items: mergeMessage(t[conversationId].items, m) } } : t));
  }, []);

  return { threads, setThreads, loadThread, applyMessage };
}

export type SetThreads = ReturnType<typeof useThreads>['setThreads'];
