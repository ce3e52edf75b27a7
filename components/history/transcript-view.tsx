'use client';

import { useCallback, useEffect, useState } from 'react';
import { MessageBubble } from '@/components/chat/message-bubble';
import type { Transcript } from '@/lib/history/transcript';
import { api } from '@/components/api/client';
import { formatDateTime, formatDuration } from './format';

const statusStyle: Record<string, string> = {
  waiting: 'bg-amber-100 text-amber-800',
  active: 'bg-emerald-100 text-emerald-800',
  closed: 'bg-slate-200 text-slate-700',
};

/** A conversation read-only: header facts, then every message and system event in order. */
export function TranscriptView({
  conversationId,
  refreshKey = 0,
  actions,
}: {
  conversationId: string;
  /** Change it to reload (live view: a new message arrived). */
  refreshKey?: number;
  actions?: (t: Transcript, reload: () => void) => React.ReactNode;
}) {
  const [data, setData] = useState<Transcript | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const transcript = await api<Transcript>(`/api/v1/history/${conversationId}`);
      setError(null);
      setData(transcript);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [conversationId]);
  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  if (error) return <p className="p-6 text-sm text-red-700" role="alert" data-testid="transcript-error">{error}</p>;
  if (!data) return <p className="p-6 text-sm text-slate-500">Loading transcript…</p>;
  const c = data.conversation;
  const seconds = (a: string | null, b: string | null) => (a && b ? (Date.parse(b) - Date.parse(a)) / 1000 : null);
  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="transcript">
      <div className="border-b border-slate-200 bg-white px-5 py-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 dir="auto" className="text-lg font-semibold text-slate-900" data-testid="transcript-contact">
            {c.contact.name ?? c.contact.phone}
          </h2>
          <span className="text-sm text-slate-500">{c.contact.phone}</span>
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium capitalize ${statusStyle[c.status]}`} data-testid="transcript-status">
            {c.status}
          </span>
          <div className="ml-auto flex gap-2">{actions?.(data, () => void load())}</div>
        </div>
        <dl className="mt-2 grid grid-cols-2 gap-x-6 gap-y-1 text-xs text-slate-600 sm:grid-cols-4">
          <div><dt className="inline text-slate-400">Channel </dt><dd className="inline">{c.channel.name}</dd></div>
          <div><dt className="inline text-slate-400">Queue </dt><dd className="inline">{c.queue.name}</dd></div>
          <div><dt className="inline text-slate-400">Agent </dt><dd className="inline" data-testid="transcript-agent">{c.agent?.name ?? '—'}</dd></div>
          <div><dt className="inline text-slate-400">Language </dt><dd className="inline">{c.language}</dd></div>
          <div><dt className="inline text-slate-400">Started </dt><dd className="inline">{formatDateTime(c.createdAt)}</dd></div>
          <div><dt className="inline text-slate-400">Wait </dt><dd className="inline">{formatDuration(seconds(c.createdAt, c.assignedAt))}</dd></div>
          <div><dt className="inline text-slate-400">First response </dt><dd className="inline">{formatDuration(seconds(c.createdAt, c.firstResponseAt))}</dd></div>
          <div>
            <dt className="inline text-slate-400">Ended </dt>
            <dd className="inline">
              {formatDateTime(c.closedAt)}
              {c.closedBy ? ` by ${c.closedBy.name}` : ''}
              {c.closeReason ? ` (${c.closeReason})` : ''}
            </dd>
          </div>
        </dl>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-100 px-5 py-4" data-testid="transcript-messages">
        {data.messages.length === 0 && <p className="text-center text-sm text-slate-500">No messages.</p>}
        {data.messages.map((m, i) => {
          const day = new Date(m.createdAt).toDateString();
          const prev = data.messages[i - 1];
          return (
            <div key={m.id}>
              {(!prev || new Date(prev.createdAt).toDateString() !== day) && (
                <div className="my-3 text-center text-xs font-medium text-slate-500">{new Date(m.createdAt).toLocaleDateString()}</div>
              )}
              <MessageBubble m={m} quoted={m.replyTo?.id ? data.messages.find((x) => x.id === m.replyTo!.id) : undefined} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
