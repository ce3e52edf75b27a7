'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { FilterOptions } from '@/lib/history/options';
import type { HistoryItem } from '@/lib/history/search';
import { api } from '@/components/api/client';
import { formatDateTime, formatDuration } from './format';
import { ExportButtons } from './export-buttons';

type Filters = { from: string; to: string; channelId: string; queueId: string; agentId: string; status: string; contact: string; q: string };
const empty: Filters = { from: '', to: '', channelId: '', queueId: '', agentId: '', status: '', contact: '', q: '' };

/** The form's values as API parameters (dates as the start of the local day; "to" inclusive). */
function toParams(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (!v) continue;
    if (k === 'from') p.set('from', new Date(`${v}T00:00:00`).toISOString());
    else if (k === 'to') {
      const d = new Date(`${v}T00:00:00`);
      d.setDate(d.getDate() + 1);
      p.set('to', d.toISOString());
    } else p.set(k, v);
  }
  return p;
}

export function HistorySearch({ options, canExport }: { options: FilterOptions; canExport: boolean }) {
  const [form, setForm] = useState<Filters>(empty);
  const [applied, setApplied] = useState<Filters>(empty);
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(async (f: Filters, after: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const p = toParams(f);
      if (after) p.set('cursor', after);
      const page = await api<{ items: HistoryItem[]; nextCursor: string | null }>(`/api/v1/history?${p}`);
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void fetchPage(empty, null);
  }, [fetchPage]);

  const set = (k: keyof Filters) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });
  const input = 'w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm';

  return (
    <div className="flex min-h-0 flex-1 flex-col p-5" data-testid="history">
      <h1 className="mb-3 text-xl font-semibold text-slate-900">Chat history</h1>
      <form
        className="mb-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4 xl:grid-cols-8"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(form);
          void fetchPage(form, null);
        }}
        data-testid="history-filters"
      >
        <label className="col-span-2 text-xs text-slate-600">
          Words in messages
          <input className={input} value={form.q} onChange={set('q')} placeholder='refund, "order late", -cancel' data-testid="filter-q" />
        </label>
        <label className="col-span-2 text-xs text-slate-600">
          Contact name or number
          <input className={input} value={form.contact} onChange={set('contact')} placeholder="María or +34 612 34 56 78" data-testid="filter-contact" />
        </label>
        <label className="text-xs text-slate-600">
          From
          <input type="date" className={input} value={form.from} onChange={set('from')} data-testid="filter-from" />
        </label>
        <label className="text-xs text-slate-600">
          To
          <input type="date" className={input} value={form.to} onChange={set('to')} data-testid="filter-to" />
        </label>
        <label className="text-xs text-slate-600">
          Status
          <select className={input} value={form.status} onChange={set('status')} data-testid="filter-status">
            <option value="">Any</option>
            <option value="waiting">Waiting</option>
            <option value="active">Active</option>
            <option value="closed">Closed</option>
          </select>
        </label>
        <label className="text-xs text-slate-600">
          Channel
          <select className={input} value={form.channelId} onChange={set('channelId')} data-testid="filter-channel">
            <option value="">Any</option>
            {options.channels.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label className="text-xs text-slate-600">
          Queue
          <select className={input} value={form.queueId} onChange={set('queueId')} data-testid="filter-queue">
            <option value="">Any</option>
            {options.queues.map((q) => <option key={q.id} value={q.id}>{q.name}</option>)}
          </select>
        </label>
        <label className="text-xs text-slate-600">
          Agent
          <select className={input} value={form.agentId} onChange={set('agentId')} data-testid="filter-agent">
            <option value="">Any</option>
            {options.agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <div className="col-span-2 flex items-end gap-2 md:col-span-4 xl:col-span-6">
          <button type="submit" className="rounded bg-brand-600 px-4 py-1.5 text-sm font-medium text-white" data-testid="search">
            Search
          </button>
          <button
            type="button"
            className="rounded border border-slate-300 px-3 py-1.5 text-sm"
            onClick={() => {
              setForm(empty);
              setApplied(empty);
              void fetchPage(empty, null);
            }}
          >
            Clear
          </button>
          {canExport && <ExportButtons params={toParams(applied)} />}
        </div>
      </form>
      {error && <p className="mb-3 text-sm text-red-700" role="alert">{error}</p>}
      <div className="min-h-0 flex-1 overflow-auto rounded-lg border border-slate-200 bg-white" tabIndex={0} role="region" aria-label="Search results">
        <table className="w-full text-sm" data-testid="history-results">
          <thead className="sticky top-0 bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">Contact</th>
              <th className="px-3 py-2">Channel</th>
              <th className="px-3 py-2">Queue</th>
              <th className="px-3 py-2">Agent</th>
              <th className="px-3 py-2">Started</th>
              <th className="px-3 py-2">Ended</th>
              <th className="px-3 py-2 text-right">Messages</th>
              <th className="px-3 py-2 text-right">First response</th>
              <th className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} className="border-t border-slate-100 hover:bg-slate-50" data-testid="history-row">
                <td className="px-3 py-2">
                  <Link dir="auto" href={`/history/${i.id}`} className="font-medium text-brand-700 hover:underline" data-testid="history-open">
                    {i.contact.name ?? i.contact.phone}
                  </Link>
                  <div className="text-xs text-slate-500">{i.contact.phone}</div>
                </td>
                <td className="px-3 py-2">{i.channel.name}</td>
                <td className="px-3 py-2">{i.queue.name}</td>
                <td className="px-3 py-2">{i.agent?.name ?? '—'}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(i.startedAt)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(i.endedAt)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{i.messageCount}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatDuration(i.firstResponseSeconds)}</td>
                <td className="px-3 py-2 capitalize">{i.status}</td>
              </tr>
            ))}
            {!loading && items.length === 0 && (
              <tr><td colSpan={9} className="px-3 py-8 text-center text-slate-500" data-testid="history-empty">No conversations match.</td></tr>
            )}
          </tbody>
        </table>
        <div className="flex justify-center p-3">
          {loading ? (
            <span className="text-sm text-slate-500">Loading…</span>
          ) : cursor ? (
            <button className="rounded border border-slate-300 px-3 py-1.5 text-sm" onClick={() => void fetchPage(applied, cursor)} data-testid="load-more">
              Load more
            </button>
          ) : items.length ? (
            <span className="text-xs text-slate-400">End of results</span>
          ) : null}
        </div>
      </div>
    </div>
  );
}
