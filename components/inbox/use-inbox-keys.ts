'use client';

import { useEffect } from 'react';
import { canAcceptChat, listSections } from './conversation-list';
import type { InboxConversation, WorkspaceQueue } from './types';

/**
 * Keyboard: Alt+↓ / Alt+↑ the next / previous chat in the list's order (also while typing a
 * reply), Alt+A accepts the open chat when it is waiting. Off while `paused` (a dialog is open).
 */
export function useInboxKeys({
  list,
  meId,
  selectedId,
  selected,
  queues,
  accepting,
  paused,
  select,
  accept,
}: {
  list: InboxConversation[];
  meId: string;
  selectedId: string | null;
  selected: InboxConversation | undefined;
  queues: WorkspaceQueue[];
  accepting: string | null;
  paused: boolean;
  select: (id: string) => void;
  accept: (id: string) => Promise<void>;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !meId || paused) return;
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
  }, [list, meId, selectedId, selected, queues, accepting, select, accept, paused]);
}
