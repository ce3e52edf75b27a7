'use client';

import type { ChannelDto } from '@/lib/admin/channels';
import type { ErasureReceipt } from '@/lib/privacy/receipts';
import { Badge, Notice } from '@/components/ui/form';

const LABELS: Record<string, string> = {
  messages: 'messages emptied',
  attachments: 'attachments',
  conversations: 'conversations anonymised',
  events: 'live events',
  statusCallbacks: 'status callbacks',
  simulatorMessages: 'simulator messages',
  auditEntriesRedacted: 'audit entries redacted',
};

/** "3 messages emptied, 1 attachments, …" of the non-zero counts. */
export function countsText(counts: Record<string, number>): string {
  // In LABELS' order (jsonb keeps its own), then anything newer.
  const keys = [...Object.keys(LABELS).filter((k) => k in counts), ...Object.keys(counts).filter((k) => !(k in LABELS))];
  const parts = keys
    .map((k) => [k, counts[k]!] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${LABELS[k] ?? k}`);
  return parts.length ? parts.join(', ') : 'nothing to remove';
}

/** Retention per channel (setting and last run) and the latest erasures and runs. */
export function PrivacyReceipts({ receipts, channels, error }: { receipts: ErasureReceipt[] | null; channels: ChannelDto[] | null; error: string | null }) {
  const channelName = (id: string | null) => channels?.find((c) => c.id === id)?.name ?? 'A channel';
  const lastRun = (id: string) => receipts?.find((r) => r.kind === 'retention' && r.channelId === id);
  return (
    <div className="space-y-6">
      {channels && channels.length > 0 && (
        <section aria-labelledby="privacy-retention-title" className="space-y-2">
          <h3 id="privacy-retention-title" className="text-base font-semibold">
            Retention
          </h3>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="privacy-retention">
            {channels.map((c) => {
              const run = lastRun(c.id);
              return (
                <li key={c.id} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2" data-testid={`privacy-retention-${c.id}`}>
                  <span className="font-medium">{c.name}</span>
                  <span className="text-slate-600">
                    {c.retentionDays ? `Keeps ${c.retentionDays} days` : 'Keeps everything'}
                    {run && ` · last run ${new Date(run.erasedAt).toLocaleString()}: ${countsText(run.counts)}`}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section aria-labelledby="privacy-log-title" className="space-y-2">
        <h3 id="privacy-log-title" className="text-base font-semibold">
          Erasures and retention runs
        </h3>
        {error && <Notice tone="error">{error}</Notice>}
        {receipts === null ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : receipts.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="privacy-log-empty">
            Nothing erased yet.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="privacy-log">
            {receipts.map((r) => (
              <li key={r.receiptId} className="space-y-1 px-4 py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={r.kind === 'contact' ? 'red' : 'slate'}>{r.kind === 'contact' ? 'Contact erased' : 'Retention'}</Badge>
                  {r.kind === 'retention' && <span className="font-medium">{channelName(r.channelId)}</span>}
                  <time className="text-slate-500" dateTime={r.erasedAt}>
                    {new Date(r.erasedAt).toLocaleString()}
                  </time>
                  {!r.finishedAt && <Badge tone="amber">running</Badge>}
                </div>
                <p className="text-slate-600">
                  {countsText(r.counts)}
                  {r.filesRemoved > 0 && `; ${r.filesRemoved} files deleted`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
