'use client';

import { useCallback, useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FilterOptions } from '@/lib/history/options';
import type { Report } from '@/lib/reports/report';
import { api } from '@/components/api/client';
import { formatDuration } from '@/components/history/format';

const DAY = 86_400_000;
const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const minutes = (s: number | null) => (s === null ? null : Math.round((s / 60) * 10) / 10);

type Form = { from: string; to: string; queueId: string; agentId: string; bucket: '' | 'hour' | 'day' };

function params(f: Form): URLSearchParams {
  const p = new URLSearchParams();
  p.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  const to = new Date(`${f.to}T00:00:00`);
  to.setDate(to.getDate() + 1);
  p.set('to', to.toISOString());
  p.set('tz', Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  if (f.queueId) p.set('queueId', f.queueId);
  if (f.agentId) p.set('agentId', f.agentId);
  if (f.bucket) p.set('bucket', f.bucket);
  return p;
}

/** Charts per queue and agent over a period; every chart's numbers download as CSV. */
export function ReportsView({ options }: { options: FilterOptions }) {
  const [form, setForm] = useState<Form>(() => ({ from: isoDay(new Date(Date.now() - 6 * DAY)), to: isoDay(new Date()), queueId: '', agentId: '', bucket: '' }));
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [applied, setApplied] = useState<Form>(form);

  const load = useCallback(async (f: Form) => {
    setError(null);
    try {
      setReport(await api<Report>(`/api/v1/reports?${params(f)}`));
      setApplied(f);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void load(form);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on open
  }, [load]);

  const csvHref = (section: string) => {
    const p = params(applied);
    p.set('format', 'csv');
    p.set('section', section);
    return `/api/v1/reports?${p}`;
  };
  const input = 'rounded border border-slate-300 bg-white px-2 py-1.5 text-sm';
  const times = report?.timesByBucket.map((r) => ({
    bucket: r.key,
    'Wait median': minutes(r.wait.median),
    'Wait p90': minutes(r.wait.p90),
    'First response median': minutes(r.firstResponse.median),
    'First response p90': minutes(r.firstResponse.p90),
    'Handle median': minutes(r.handle.median),
  }));

  return (
    <div className="flex-1 overflow-y-auto p-5" data-testid="reports">
      <h1 className="mb-3 text-xl font-semibold text-slate-900">Reports</h1>
      <form
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          void load(form);
        }}
      >
        <label className="text-xs text-slate-600">From<br /><input type="date" className={input} value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} data-testid="report-from" /></label>
        <label className="text-xs text-slate-600">To<br /><input type="date" className={input} value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} data-testid="report-to" /></label>
        <label className="text-xs text-slate-600">Queue<br />
          <select className={input} value={form.queueId} onChange={(e) => setForm({ ...form, queueId: e.target.value })} data-testid="report-queue">
            <option value="">All queues</option>
            {options.queues.map((q) => <option key={q.id} value={q.id}>{q.name}</option>)}
          </select>
        </label>
        <label className="text-xs text-slate-600">Agent<br />
          <select className={input} value={form.agentId} onChange={(e) => setForm({ ...form, agentId: e.target.value })} data-testid="report-agent">
            <option value="">All agents</option>
            {options.agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label className="text-xs text-slate-600">By<br />
          <select className={input} value={form.bucket} onChange={(e) => setForm({ ...form, bucket: e.target.value as Form['bucket'] })}>
            <option value="">Auto</option>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
          </select>
        </label>
        <button className="rounded bg-brand-600 px-4 py-1.5 text-sm font-medium text-white" data-testid="report-run">Show</button>
        {error && <span className="text-sm text-red-700" role="alert">{error}</span>}
      </form>

      {report && (
        <>
          <div className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="report-totals">
            <Kpi label="Chats" value={String(report.totals.chats)} />
            <Kpi label="Wait (median / p90)" value={`${formatDuration(report.totals.wait.median)} / ${formatDuration(report.totals.wait.p90)}`} />
            <Kpi label="First response (median / p90)" value={`${formatDuration(report.totals.firstResponse.median)} / ${formatDuration(report.totals.firstResponse.p90)}`} />
            <Kpi label="Handle time (median / p90)" value={`${formatDuration(report.totals.handle.median)} / ${formatDuration(report.totals.handle.p90)}`} />
          </div>
          <div className="grid gap-4 xl:grid-cols-2">
            <Card title={`Volume by ${report.period.bucket}`} csv={csvHref('volume')} testId="chart-volume" empty={!report.volume.length}>
              <BarChart data={report.volume}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis dataKey="bucket" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Legend />
                <Bar dataKey="conversations" name="Conversations" fill="#059669" />
                <Bar dataKey="inbound" name="Messages in" fill="#64748b" />
                <Bar dataKey="outbound" name="Messages out" fill="#94a3b8" />
              </BarChart>
            </Card>
            <Card title="Wait, first response and handle time (minutes)" csv={csvHref('timesByBucket')} testId="chart-times" empty={!times?.length}>
              <LineChart data={times}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis dataKey="bucket" fontSize={11} />
                <YAxis fontSize={11} />
                <Tooltip />
                <Legend />
                <Line dataKey="Wait median" stroke="#f59e0b" dot={false} connectNulls />
                <Line dataKey="Wait p90" stroke="#f59e0b" strokeDasharray="4 3" dot={false} connectNulls />
                <Line dataKey="First response median" stroke="#059669" dot={false} connectNulls />
                <Line dataKey="First response p90" stroke="#059669" strokeDasharray="4 3" dot={false} connectNulls />
                <Line dataKey="Handle median" stroke="#6366f1" dot={false} connectNulls />
              </LineChart>
            </Card>
            <Card title="Chats per agent" csv={csvHref('agents')} testId="chart-agents" empty={!report.agents.length}>
              <BarChart data={report.agents.map((a) => ({ name: a.name, Chats: a.chats, Closed: a.closed }))} layout="vertical">
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis type="number" allowDecimals={false} fontSize={11} />
                <YAxis type="category" dataKey="name" width={110} fontSize={11} />
                <Tooltip />
                <Legend />
                <Bar dataKey="Chats" fill="#059669" />
                <Bar dataKey="Closed" fill="#94a3b8" />
              </BarChart>
            </Card>
            <Card title="Failed sends by reason" csv={csvHref('failedSends')} testId="chart-failed" empty={!report.failedSends.length}>
              <BarChart data={report.failedSends.map((f) => ({ reason: f.errorCode ? `${f.errorCode}` : 'n/a', label: f.reason, Count: f.count }))}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis dataKey="reason" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip labelFormatter={(_, p) => (p?.[0]?.payload as { label?: string } | undefined)?.label ?? ''} />
                <Bar dataKey="Count" fill="#dc2626" />
              </BarChart>
            </Card>
          </div>
          <section className="mt-4 overflow-hidden rounded-lg border border-slate-200 bg-white" data-testid="report-queues">
            <div className="flex items-center justify-between border-b border-slate-100 px-4 py-2">
              <h2 className="text-sm font-semibold text-slate-700">Per queue</h2>
              <a href={csvHref('queues')} className="text-xs text-brand-700 hover:underline">Download CSV</a>
            </div>
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
                <tr><th className="px-3 py-2">Queue</th><th className="px-3 py-2 text-right">Chats</th><th className="px-3 py-2 text-right">Wait median / p90</th><th className="px-3 py-2 text-right">First response median / p90</th><th className="px-3 py-2 text-right">Handle median / p90</th></tr>
              </thead>
              <tbody>
                {report.queues.map((q) => (
                  <tr key={q.key} className="border-t border-slate-100">
                    <td className="px-3 py-2">{q.name}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{q.chats}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatDuration(q.wait.median)} / {formatDuration(q.wait.p90)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatDuration(q.firstResponse.median)} / {formatDuration(q.firstResponse.p90)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatDuration(q.handle.median)} / {formatDuration(q.handle.p90)}</td>
                  </tr>
                ))}
                {!report.queues.length && <tr><td colSpan={5} className="px-3 py-4 text-center text-slate-500">No chats in this period.</td></tr>}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-lg font-semibold tabular-nums text-slate-900">{value}</div>
    </div>
  );
}

function Card({ title, csv, testId, empty, children }: { title: string; csv: string; testId: string; empty: boolean; children: React.ReactElement }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid={testId}>
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-semibold text-slate-700">{title}</h2>
        <a href={csv} className="text-xs text-brand-700 hover:underline" data-testid={`${testId}-csv`}>Download CSV</a>
      </div>
      <div className="h-64">
        {empty ? <p className="flex h-full items-center justify-center text-sm text-slate-400">No data in this period.</p> : <ResponsiveContainer width="100%" height="100%">{children}</ResponsiveContainer>}
      </div>
    </section>
  );
}
