import type { MessageDto } from '@/lib/conversations/dto';

const labels: Record<string, string> = {
  pending: 'Sending',
  queued: 'Queued at the provider',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  undelivered: 'Not delivered',
};

/** WhatsApp-style delivery ticks: clock, ✓, ✓✓, blue ✓✓, red ✕. */
export function Ticks({ status }: { status: MessageDto['status'] }) {
  if (status === 'received') return null;
  const label = labels[status] ?? status;
  let glyph: React.ReactNode;
  let cls = 'text-slate-400';
  if (status === 'pending' || status === 'queued') glyph = '🕓';
  else if (status === 'sent') glyph = '✓';
  else if (status === 'delivered') glyph = '✓✓';
  else if (status === 'read') {
    glyph = '✓✓';
    cls = 'text-sky-500';
  } else {
    glyph = '✕';
    cls = 'text-rose-600 font-bold';
  }
  return (
    <span className={`ml-1 text-xs tracking-tighter ${cls}`} title={label} aria-label={label} data-testid="ticks" data-status={status}>
      {glyph}
    </span>
  );
}
