'use client';

import type { SimulatorMessageDto } from './api';
import { Icon } from './icons';

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function snippet(m: SimulatorMessageDto | undefined): string {
  if (!m) return 'Message';
  if (m.body) return m.body.length > 80 ? `${m.body.slice(0, 80)}…` : m.body;
  if (m.location) return `📍 ${m.location.label ?? 'Location'}`;
  if (m.media.length) return `📎 ${m.media[0]!.filename ?? m.media[0]!.contentType}`;
  return 'Message';
}

/** What the customer's phone shows of Parley's delivery: ticks for the customer's own messages. */
function CustomerTicks({ m }: { m: SimulatorMessageDto }) {
  if (m.status === 'sending') return (
      <span title="Sending">
        <Icon name="clock" className="h-3 w-3" />
      </span>
    );
  if (m.status === 'rejected')
    return (
      <span className="font-semibold text-red-600" title={`Parley's webhook answered ${m.webhookStatus ?? 'nothing'}`}>
        ! not accepted ({m.webhookStatus ?? 'no answer'})
      </span>
    );
  return <span title="Accepted by Parley's webhook">✓✓</span>;
}

function Media({ media }: { media: SimulatorMessageDto['media'][number] }) {
  if (!media.url) return <div className="rounded bg-black/5 px-2 py-3 text-xs text-slate-500">Downloading {media.contentType || 'file'}…</div>;
  const t = media.contentType;
  if (t.startsWith('image/')) {
    // eslint-disable-next-line @next/next/no-img-element -- a simulator file behind a plain route
    return <img src={media.url} alt={media.filename ?? 'image'} className="max-h-60 rounded-md" data-testid="sim-media-image" />;
  }
  if (t.startsWith('audio/')) return <audio controls src={media.url} className="w-56" data-testid="sim-media-audio" />;
  if (t.startsWith('video/')) return <video controls src={media.url} className="max-h-60 rounded-md" data-testid="sim-media-video" />;
  return (
    <a href={media.url} target="_blank" rel="noreferrer" className="flex items-center gap-2 rounded-md bg-black/5 px-3 py-2 text-sm" data-testid="sim-media-file">
      <Icon name="file" className="h-7 w-7 shrink-0 text-slate-500" />
      <span className="min-w-0">
        <span className="block truncate font-medium">{media.filename ?? 'Document'}</span>
        <span className="text-xs text-slate-500">
          {t}
          {media.size ? ` · ${Math.ceil(media.size / 1024)} KB` : ''}
        </span>
      </span>
    </a>
  );
}

export function Bubble({
  m,
  quoted,
  onReply,
  onTap,
}: {
  m: SimulatorMessageDto;
  quoted?: SimulatorMessageDto;
  onReply: (m: SimulatorMessageDto) => void;
  onTap: (m: SimulatorMessageDto, action: { title: string; id: string }) => void;
}) {
  const mine = m.direction === 'from_customer';
  const failed = m.status === 'failed';
  return (
    <div className={`group flex ${mine ? 'justify-end' : 'justify-start'}`}>
      <div
        data-testid="sim-message"
        data-direction={mine ? 'customer' : 'business'}
        data-status={m.status}
        data-sid={m.sid}
        className={`relative max-w-[78%] rounded-lg px-2.5 py-1.5 text-[14px] shadow-sm ${
          failed ? 'border border-dashed border-red-400 bg-red-50' : mine ? 'bg-[#d9fdd3]' : 'bg-white'
        }`}
      >
        {m.replyToSid && (
          <div className="mb-1 rounded border-l-4 border-emerald-600 bg-black/5 px-2 py-1 text-xs text-slate-600">{snippet(quoted)}</div>
        )}
        {m.template && (
          <div className="mb-0.5 text-[10px] font-semibold uppercase tracking-wide text-emerald-700" data-testid="sim-template-tag">
            Template
          </div>
        )}
        {m.media.map((x) => (
          <div key={x.sid} className="mb-1">
            <Media media={x} />
          </div>
        ))}
        {m.location && (
          <a
            className="mb-1 block rounded-md bg-black/5 px-3 py-2 text-sm"
            href={`https://www.openstreetmap.org/?mlat=${m.location.latitude}&mlon=${m.location.longitude}#map=16/${m.location.latitude}/${m.location.longitude}`}
            target="_blank"
            rel="noreferrer"
          >
            <span className="flex items-center gap-1 font-medium">
              <Icon name="pin" className="h-4 w-4 text-red-600" />
              {m.location.label ?? 'Location'}
            </span>
            {m.location.address && <span className="block text-xs text-slate-600">{m.location.address}</span>}
            <span className="block text-xs text-slate-500">
              {m.location.latitude.toFixed(5)}, {m.location.longitude.toFixed(5)}
            </span>
          </a>
        )}
        {m.button && <div className="mb-0.5 text-[10px] font-semibold uppercase tracking-wide text-slate-500">Button tap</div>}
        {m.body && <div dir="auto" className="whitespace-pre-wrap break-words" data-testid="sim-message-body">{m.body}</div>}
        {failed && (
          <div className="mt-1 text-xs text-red-700" data-testid="sim-message-error">
            Not delivered to the phone: error {m.errorCode}
            {m.errorReason ? ` — ${m.errorReason}` : ''}
          </div>
        )}
        <div className="mt-0.5 flex items-center justify-end gap-1 text-[11px] text-slate-500">
          {time(m.createdAt)}
          {mine && <CustomerTicks m={m} />}
        </div>
        {!failed && m.template && m.template.actions.length > 0 && (
          <div className="-mx-2.5 -mb-1.5 mt-1 divide-y divide-black/5 border-t border-black/10">
            {m.template.actions.map((a) => (
              <button
                key={a.id}
                type="button"
                className="block w-full py-1.5 text-center text-sm font-medium text-sky-600 hover:bg-black/5"
                onClick={() => onTap(m, a)}
                data-testid="sim-template-button"
              >
                {a.title}
              </button>
            ))}
          </div>
        )}
        {!failed && (
          <button
            type="button"
            onClick={() => onReply(m)}
            className={`absolute top-1 hidden rounded bg-white/90 px-1.5 text-xs text-slate-600 shadow group-hover:block ${mine ? '-left-12' : '-right-12'}`}
            data-testid="sim-reply"
          >
            Reply
          </button>
        )}
      </div>
    </div>
  );
}
