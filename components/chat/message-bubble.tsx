'use client';

import type { MessageDto } from '@/lib/conversations/dto';
import { AttachmentView } from './attachment-view';
import { FormattedText } from './formatted-text';
import { Ticks } from './ticks';
import { MapPinIcon, PaperclipIcon } from '@/components/ui/icons';

export type UiMessage = MessageDto & { localError?: string };

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function MessageBubble({
  m,
  quoted,
  onRetry,
}: {
  m: UiMessage;
  /** The message this one replies to, when it is loaded. */
  quoted?: UiMessage;
  onRetry?: (m: UiMessage) => void;
}) {
  if (m.kind === 'system') {
    return (
      <div className="my-2 flex justify-center" data-testid="system-line">
        <span className="rounded-full bg-slate-200/80 px-3 py-1 text-xs text-slate-600">
          {m.body} · {time(m.createdAt)}
        </span>
      </div>
    );
  }
  const outbound = m.direction === 'outbound';
  const failed = m.status === 'failed' || m.status === 'undelivered' || !!m.localError;
  return (
    <div className={`my-1 flex ${outbound ? 'justify-end' : 'justify-start'}`} data-testid="message" data-direction={m.direction} data-kind={m.kind} data-client-id={m.clientId ?? undefined}>
      <div
        className={`max-w-[75%] rounded-lg px-3 py-2 text-sm shadow-sm ${
          outbound ? (failed ? 'bg-rose-50 ring-1 ring-rose-300' : 'bg-emerald-100') : 'bg-white'
        }`}
      >
        {m.replyTo && (
          <div className="mb-1 border-l-4 border-emerald-500 bg-black/5 px-2 py-1 text-xs text-slate-600" data-testid="reply-quote">
            {!quoted ? (
              'Reply to an earlier message'
            ) : quoted.body ? (
              quoted.body
            ) : quoted.attachments.length ? (
              <span className="inline-flex items-center gap-1">
                <PaperclipIcon className="h-3 w-3" /> Media
              </span>
            ) : (
              '…'
            )}
          </div>
        )}
        {m.kind === 'template' && <div className="mb-1 text-[10px] font-semibold uppercase tracking-wide text-emerald-700">Template</div>}
        {m.attachments.map((a) => (
          <div key={a.id} className="mb-1">
            <AttachmentView a={a} />
          </div>
        ))}
        {m.location && (
          <div className="mb-1" data-testid="location">
            <div className="flex items-center gap-1 font-medium">
              <MapPinIcon className="h-4 w-4 text-rose-600" />
              {m.location.label ?? 'Location'}
            </div>
            {m.location.address && <div className="text-xs text-slate-600">{m.location.address}</div>}
            <a
              className="text-xs text-sky-700 underline"
              target="_blank"
              rel="noopener noreferrer"
              href={`https://www.openstreetmap.org/?mlat=${m.location.latitude}&mlon=${m.location.longitude}#map=17/${m.location.latitude}/${m.location.longitude}`}
            >
              {m.location.latitude.toFixed(5)}, {m.location.longitude.toFixed(5)} — open map
            </a>
          </div>
        )}
        {m.kind === 'button' && (
          <div className="mb-1 inline-block rounded-full border border-emerald-400 px-2 py-0.5 text-xs text-emerald-800" data-testid="button-reply">
            Tapped: {m.button?.text ?? m.body}
          </div>
        )}
        {m.body && m.kind !== 'button' && <FormattedText text={m.body} />}
        <div className="mt-1 flex items-center justify-end gap-1 text-[11px] text-slate-500">
          {outbound && m.author?.name && <span className="mr-auto truncate">{m.author.name}</span>}
          <span>{time(m.createdAt)}</span>
          {outbound && <Ticks status={m.localError ? 'failed' : m.status} />}
        </div>
        {outbound && failed && (
          <div className="mt-1 flex items-start gap-2 text-xs text-rose-700" data-testid="failure-reason">
            <span className="flex-1">{m.localError ?? m.errorReason ?? 'Not delivered.'}</span>
            {onRetry && (
              <button type="button" onClick={() => onRetry(m)} className="shrink-0 rounded border border-rose-300 px-2 py-0.5 font-medium hover:bg-rose-100">
                Retry
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
