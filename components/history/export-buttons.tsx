'use client';

import { useState } from 'react';
import { apiFetch } from '@/components/api/client';

/**
 * Downloads the current filter as CSV or JSON. The server streams it; we count rows as they
 * arrive against X-Total-Count to show progress, then hand the file to the browser.
 */
export function ExportButtons({ params }: { params: URLSearchParams }) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(format: 'csv' | 'json') {
    setError(null);
    const p = new URLSearchParams(params);
    p.set('format', format);
    let res: Response;
    try {
      res = await apiFetch(`/api/v1/history/export?${p}`);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    if (!res.body) {
      setError('The export came back empty. Try again.');
      return;
    }
    const total = Number(res.headers.get('x-total-count') ?? 0);
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `history.${format}`;
    setProgress({ done: 0, total });
    const reader = res.body.getReader();
    const chunks: BlobPart[] = [];
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      for (const b of value) if (b === 10) lines++;
      // CSV: one line per row plus the header; JSON: one line per item plus the brackets.
      setProgress({ done: Math.min(total, Math.max(0, lines - 1)), total });
    }
    setProgress({ done: total, total });
    const url = URL.createObjectURL(new Blob(chunks, { type: format === 'csv' ? 'text/csv' : 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setTimeout(() => setProgress(null), 3000);
  }

  const busy = !!progress && progress.done < progress.total;
  return (
    <div className="ml-auto flex items-center gap-2">
      {progress && (
        <span className="flex items-center gap-2 text-xs text-slate-600" data-testid="export-progress">
          <span className="h-1.5 w-24 overflow-hidden rounded bg-slate-200">
            <span className="block h-full bg-brand-500" style={{ width: `${progress.total ? Math.round((progress.done / progress.total) * 100) : 100}%` }} />
          </span>
          {progress.done.toLocaleString()} / {progress.total.toLocaleString()} rows
        </span>
      )}
      {error && <span className="text-xs text-red-700">{error}</span>}
      <button type="button" disabled={busy} onClick={() => void run('csv')} className="rounded border border-slate-300 px-3 py-1.5 text-sm disabled:opacity-40" data-testid="export-csv">
        Export CSV
      </button>
      <button type="button" disabled={busy} onClick={() => void run('json')} className="rounded border border-slate-300 px-3 py-1.5 text-sm disabled:opacity-40" data-testid="export-json">
        Export JSON
      </button>
    </div>
  );
}
