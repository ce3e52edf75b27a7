'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '@/components/api/client';
import { useRealtime } from '@/components/realtime/use-realtime';
import { TranscriptView } from '@/components/history/transcript-view';
import { formatDuration } from '@/components/history/format';
import type { LiveSummary } from '@/lib/supervision/summary';
import { ChatActions } from './chat-actions';
import { XIcon } from '@/components/ui/icons';

const LIVE_EVENTS = ['conversation.created', 'conversation.updated', 'message.created', 'agent.updated', 'queue.updated'];
const presenceDot: Record<string, string> = { available: 'bg-emerald-500', away: 'bg-amber-400', offline: 'bg-slate-300' };

function localMidnight(): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** Queues, agents and open chats right now; refetched (debounced) on every relevant socket event. */
export function LiveView() {
  const [summary, setSummary] = useState<LiveSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [selected, setSelected] = useState<string | null>(null);
  const [agentFilter, setAgentFilter] = useState<string | null>(null);
  const [transcriptKey, setTranscriptKey] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const selectedRef = useRef<string | null>(null);
  useEffect(() => {
    selectedRef.current = selected;
  }, [selected]);

  // Loads overlap (an event during a slow load starts another): only an answer newer than the one
  // shown may replace it, or a late, older answer would hide chats until the next event.
  const started = useRef(0);
  const shown = useRef(0);
  const load = useCallback(async () => {
    const mine = ++started.current;
    try {
      const next = await api<LiveSummary>(`/api/v1/supervision?since=${encodeURIComponent(localMidnight())}`);
      if (mine < shown.current) return;
      shown.current = mine;
      setSummary(next);
      setNow(Date.now());
      setError(null);
    } catch {
      setError('Could not load the live summary; retrying on the next update.');
    }
  }, []);
  const refresh = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), 250);
  }, [load]);

  const handlers = useMemo(() => {
    const h: Record<string, (p: Record<string, unknown>) => void> = {};
    for (const e of LIVE_EVENTS) {
      h[e] = (p) => {
        refresh();
        const cid = (p.conversationId as string | undefined) ?? (p.conversation as { id?: string } | undefined)?.id;
        if (cid && cid === selectedRef.current) setTranscriptKey((k) => k + 1);
      };
    }
    return h;
  }, [refresh]);
  const status = useRealtime(handlers, { onReady: () => refresh(), onResync: () => refresh() });

  useEffect(() => {
    void load();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [load]);

  if (!summary) {
    return <p className="p-6 text-sm text-slate-500">{error ?? 'Loading live queues…'}</p>;
  }
  const waitSince = (iso: string | null) => (iso ? (now - Date.parse(iso)) / 1000 : null);
  const oldest = summary.queues.map((q) => q.oldestWaitingAt).filter((x): x is string => !!x).sort()[0] ?? null;
  const queueName = new Map(summary.queues.map((q) => [q.id, q.name]));
  const agentName = new Map(summary.agents.map((a) => [a.id, a.name]));
  const chats = agentFilter ? summary.chats.filter((c) => c.assigneeId === agentFilter) : summary.chats;

  return (
    <div className="flex min-h-0 flex-1" data-testid="live-view">
      <div className="min-w-0 flex-1 overflow-y-auto p-5">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-xl font-semibold text-slate-900">Live queues</h1>
          <span
            data-testid="realtime-status"
            className={`rounded-full px-2 py-0.5 text-xs font-medium ${status === 'live' ? 'bg-emerald-100 text-emerald-800' : 'bg-amber-100 text-amber-800'}`}
          >
            {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline, reconnecting…'}
          </span>
          {error && <span className="text-xs text-red-700">{error}</span>}
        </div>

        <div className="mb-5 grid grid-cols-2 gap-3 md:grid-cols-4">
          <Stat label="Waiting" value={summary.totals.waiting} testId="total-waiting" warn={summary.totals.waiting > 0} />
          <Stat label="Longest wait" value={formatDuration(waitSince(oldest))} testId="total-longest-wait" warn={(waitSince(oldest) ?? 0) > 120} />
          <Stat label="Active chats" value={summary.totals.active} testId="total-active" />
          <Stat label="Handled today" value={summary.totals.handledToday} testId="total-handled" />
        </div>

        <section className="mb-6 overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm" data-testid="queue-table">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">Queue</th>
                <th className="px-3 py-2 text-right">Waiting</th>
                <th className="px-3 py-2 text-right">Longest wait</th>
                <th className="px-3 py-2 text-right">Active</th>
                <th className="px-3 py-2">Agents</th>
                <th className="px-3 py-2 text-right">Handled today</th>
                <th className="px-3 py-2 text-right">Median first response</th>
              </tr>
            </thead>
            <tbody>
              {summary.queues.map((q) => (
                <tr key={q.id} className="border-t border-slate-100" data-testid="queue-row" data-queue={q.name}>
                  <td className="px-3 py-2 font-medium">{q.name}</td>
                  <td className={`px-3 py-2 text-right tabular-nums ${q.waiting ? 'font-semibold text-amber-700' : ''}`} data-testid="queue-waiting">{q.waiting}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatDuration(waitSince(q.oldestWaitingAt))}</td>
                  <td className="px-3 py-2 text-right tabular-nums" data-testid="queue-active">{q.active}</td>
                  <td className="px-3 py-2 text-xs text-slate-600">
                    <span className="text-emerald-700">{q.agents.available} available</span> · {q.agents.away} away · {q.agents.offline} offline
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums" data-testid="queue-handled">{q.handledToday}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatDuration(q.medianFirstResponseSeconds)}</td>
                </tr>
              ))}
              {summary.queues.length === 0 && (
                <tr><td colSpan={7} className="px-3 py-6 text-center text-slate-500">No queues yet.</td></tr>
              )}
            </tbody>
          </table>
        </section>

        <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_18rem]">
          <section>
            <div className="mb-2 flex items-center gap-2">
              <h2 className="text-sm font-semibold text-slate-700">Open chats</h2>
              {agentFilter && (
                <button className="flex items-center gap-1 rounded bg-slate-200 px-2 py-0.5 text-xs" onClick={() => setAgentFilter(null)} data-testid="clear-agent-filter">
                  {agentName.get(agentFilter)} <XIcon className="h-3 w-3" />
                </button>
              )}
            </div>
            <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white" data-testid="live-chats">
              {chats.map((c) => (
                <li key={c.id}>
                  <button
                    data-testid="live-chat"
                    data-status={c.status}
                    onClick={() => setSelected(c.id)}
                    className={`flex w-full items-center gap-3 px-3 py-2 text-left text-sm hover:bg-slate-50 ${selected === c.id ? 'bg-brand-50' : ''}`}
                  >
                    <span className={`w-16 shrink-0 rounded-full px-2 py-0.5 text-center text-xs font-medium ${c.status === 'waiting' ? 'bg-amber-100 text-amber-800' : 'bg-emerald-100 text-emerald-800'}`}>
                      {c.status}
                    </span>
                    <span className="min-w-0 flex-1">
                      <span dir="auto" className="block truncate font-medium">{c.contactName ?? c.contactPhone}</span>
                      <span dir="auto" className="block truncate text-xs text-slate-500">{c.lastMessage ?? ' '}</span>
                    </span>
                    {/* Queue over agent, in one column: the contact keeps room for its name beside the open transcript. */}
                    <span className="w-32 shrink-0 text-xs text-slate-600">
                      <span className="block truncate">{queueName.get(c.queueId)}</span>
                      <span className="block truncate text-slate-500" data-testid="live-chat-agent">
                        {c.assigneeId ? agentName.get(c.assigneeId) ?? 'Agent' : c.offeredToId ? `offered: ${agentName.get(c.offeredToId) ?? ''}` : '—'}
                      </span>
                    </span>
                    <span className="w-16 shrink-0 text-right text-xs tabular-nums text-slate-600">
                      {formatDuration(waitSince(c.status === 'waiting' ? c.createdAt : c.assignedAt ?? c.createdAt))}
                    </span>
                  </button>
                </li>
              ))}
              {chats.length === 0 && <li className="px-3 py-6 text-center text-sm text-slate-500">No open chats.</li>}
            </ul>
          </section>
          <section>
            <h2 className="mb-2 text-sm font-semibold text-slate-700">Agents</h2>
            <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="live-agents">
              {summary.agents.map((a) => (
                <li key={a.id}>
                  <button
                    className={`flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-slate-50 ${agentFilter === a.id ? 'bg-brand-50' : ''}`}
                    onClick={() => setAgentFilter(agentFilter === a.id ? null : a.id)}
                    data-testid="live-agent"
                    data-agent={a.name}
                  >
                    <span className={`h-2.5 w-2.5 shrink-0 rounded-full ${presenceDot[a.presence]}`} title={a.presence} />
                    <span className="min-w-0 flex-1 truncate">{a.name}</span>
                    <span className="text-xs capitalize text-slate-500">{a.presence}</span>
                    <span className={`w-10 text-right text-xs tabular-nums ${a.load >= a.maxChats ? 'font-semibold text-red-700' : 'text-slate-700'}`} data-testid="agent-load">
                      {a.load}/{a.maxChats}
                    </span>
                  </button>
                </li>
              ))}
              {summary.agents.length === 0 && <li className="px-3 py-6 text-center text-sm text-slate-500">No agents.</li>}
            </ul>
          </section>
        </div>
      </div>
      {selected && (
        <aside className="flex w-[28rem] shrink-0 flex-col border-l border-slate-200 bg-white" data-testid="live-transcript">
          <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2 text-xs text-slate-500">
            Read-only: supervisors do not write in customers&apos; chats.
            <button onClick={() => setSelected(null)} className="rounded px-2 py-1 hover:bg-slate-100" aria-label="Close transcript">
              <XIcon className="h-4 w-4" />
            </button>
          </div>
          <TranscriptView
            conversationId={selected}
            refreshKey={transcriptKey}
            actions={(t, reload) =>
              t.conversation.status === 'closed' ? null : (
                <ChatActions
                  conversationId={t.conversation.id}
                  queueId={t.conversation.queue.id}
                  queues={summary.queues}
                  agents={summary.agents}
                  onDone={() => {
                    reload();
                    refresh();
                  }}
                />
              )
            }
          />
        </aside>
      )}
    </div>
  );
}

function Stat({ label, value, testId, warn }: { label: string; value: string | number; testId: string; warn?: boolean }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${warn ? 'text-amber-700' : 'text-slate-900'}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
