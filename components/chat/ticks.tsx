import type { MessageDto } from '@/lib/conversations/dto';
import { CheckCheckIcon, CheckIcon, ClockIcon, XIcon } from '@/components/ui/icons';

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
  if (status === 'pending' || status === 'queued') glyph = <ClockIcon className="h-3 w-3" />;
  else if (status === 'sent') glyph = <CheckIcon className="h-4 w-4" />;
  else if (status === 'delivered') glyph = <CheckCheckIcon className="h-4 w-4" />;
  else if (status === 'read') {
    glyph = <CheckCheckIcon className="h-4 w-4" />;
    cls = 'text-sky-500';
  } else {
    glyph = <XIcon className="h-3.5 w-3.5" strokeWidth={3} />;
    cls = 'text-rose-600';
  }
  return (
    <span role="img" className={`ml-1 inline-flex items-center ${cls}`} title={label} aria-label={label} data-testid="ticks" data-status={status}>
      {glyph}
    </span>
  );
}
