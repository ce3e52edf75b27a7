'use client';

import { useRef, useState } from 'react';
import type { Outgoing, SimulatorMessageDto } from './api';
import { snippet } from './bubble';
import { Icon } from './icons';

const EMOJI = ['😀', '😂', '😍', '🙏', '👍', '👋', '🎉', '😢', '😡', '❤️', '🔥', '✅', '📦', '💳', '🚚', '❓'];
const PLACES = [
  { label: 'Puerta del Sol', address: 'Plaza de la Puerta del Sol, Madrid', latitude: 40.41689, longitude: -3.70348 },
  { label: 'Times Square', address: 'Manhattan, NY 10036', latitude: 40.758, longitude: -73.9855 },
  { label: 'Office', address: '1 Market St, San Francisco', latitude: 37.7941, longitude: -122.3951 },
];
const FILE_TYPES = 'image/jpeg,image/png,image/webp,audio/*,video/mp4,video/3gpp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.vcf';

type Panel = 'none' | 'emoji' | 'location' | 'button';

export function Composer({
  replyTo,
  onCancelReply,
  onSend,
}: {
  replyTo: SimulatorMessageDto | null;
  onCancelReply: () => void;
  onSend: (out: Outgoing) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [panel, setPanel] = useState<Panel>('none');
  const [place, setPlace] = useState(0);
  const [button, setButton] = useState({ text: 'Yes', payload: '' });
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  async function send(out: Outgoing) {
    setBusy(true);
    const ok = await onSend({ ...out, replyToSid: replyTo?.sid ?? null });
    setBusy(false);
    if (!ok) return;
    // Clear only what was sent: a location or a button tap leaves a half-typed message alone.
    if (out.text !== undefined || out.file) {
      setText('');
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
      input.current?.focus();
    }
    setPanel((p) => (p === 'emoji' ? p : 'none'));
  }

  const canSend = !busy && (text.trim() !== '' || file !== null);
  const toggle = (p: Panel) => setPanel((cur) => (cur === p ? 'none' : p));

  return (
    <div className="border-t border-black/10 bg-[#f0f2f5]">
      {replyTo && (
        <div className="mx-2 mt-2 flex items-start gap-2 rounded-md border-l-4 border-emerald-600 bg-white px-2 py-1 text-xs" data-testid="sim-reply-context">
          <div className="min-w-0 flex-1">
            <div className="font-semibold text-emerald-700">Replying to {replyTo.direction === 'from_customer' ? 'yourself' : 'the business'}</div>
            <div className="truncate text-slate-600">{snippet(replyTo)}</div>
          </div>
          <button type="button" className="text-slate-500" onClick={onCancelReply} aria-label="Cancel reply">
            ✕
          </button>
        </div>
      )}
      {file && (
        <div className="mx-2 mt-2 flex items-center gap-2 rounded-md bg-white px-2 py-1 text-xs" data-testid="sim-file-chip">
          <Icon name="clip" className="h-4 w-4" /> <span className="truncate">{file.name}</span>
          <span className="text-slate-500">{Math.ceil(file.size / 1024)} KB</span>
          <button type="button" className="ml-auto text-slate-500" onClick={() => setFile(null)} aria-label="Remove file">
            ✕
          </button>
        </div>
      )}
      {panel === 'emoji' && (
        <div className="mx-2 mt-2 grid grid-cols-8 gap-1 rounded-md bg-white p-2 text-xl" data-testid="sim-emoji-panel">
          {EMOJI.map((e) => (
            <button key={e} type="button" className="rounded hover:bg-slate-100" onClick={() => setText((t) => t + e)}>
              {e}
            </button>
          ))}
        </div>
      )}
      {panel === 'location' && (
        <div className="mx-2 mt-2 space-y-2 rounded-md bg-white p-2 text-sm" data-testid="sim-location-panel">
          <select className="w-full rounded border border-slate-300 px-2 py-1" value={place} onChange={(e) => setPlace(Number(e.target.value))} aria-label="Place">
            {PLACES.map((p, i) => (
              <option key={p.label} value={i}>
                {p.label} ({p.latitude.toFixed(3)}, {p.longitude.toFixed(3)})
              </option>
            ))}
          </select>
          <button type="button" disabled={busy} className="w-full rounded bg-emerald-600 py-1 font-medium text-white" onClick={() => void send({ location: PLACES[place] })} data-testid="sim-send-location">
            Share this location
          </button>
        </div>
      )}
      {panel === 'button' && (
        <div className="mx-2 mt-2 space-y-2 rounded-md bg-white p-2 text-sm" data-testid="sim-button-panel">
          <p className="text-xs text-slate-500">Tap a quick-reply button of a template, as WhatsApp reports it (ButtonText / ButtonPayload).</p>
          <div className="flex gap-2">
            <input className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1" value={button.text} onChange={(e) => setButton({ ...button, text: e.target.value })} placeholder="Button text" aria-label="Button text" />
            <input className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1" value={button.payload} onChange={(e) => setButton({ ...button, payload: e.target.value })} placeholder="Payload (optional)" aria-label="Button payload" />
          </div>
          <button type="button" disabled={busy || !button.text.trim()} className="w-full rounded bg-emerald-600 py-1 font-medium text-white" onClick={() => void send({ button: { text: button.text.trim(), payload: button.payload.trim() || undefined } })} data-testid="sim-send-button">
            Tap “{button.text || '…'}”
          </button>
        </div>
      )}
      <form
        className="flex items-end gap-1 p-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (canSend) void send({ text: text.trim() ? text : undefined, file: file ?? undefined });
        }}
      >
        <button type="button" className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-black/5" onClick={() => toggle('emoji')} aria-label="Emoji" title="Emoji">
          <Icon name="smile" />
        </button>
        <button type="button" className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-black/5" onClick={() => fileInput.current?.click()} aria-label="Attach a file" title="Image, audio, video or document">
          <Icon name="clip" />
        </button>
        <input ref={fileInput} type="file" accept={FILE_TYPES} className="hidden" data-testid="sim-file-input" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button type="button" className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-black/5" onClick={() => toggle('location')} aria-label="Share a location" title="Location">
          <Icon name="pin" />
        </button>
        <button type="button" className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-black/5" onClick={() => toggle('button')} aria-label="Tap a template button" title="Quick-reply button">
          <Icon name="tap" />
        </button>
        <textarea
          dir="auto"
          ref={input}
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              if (canSend) void send({ text: text.trim() ? text : undefined, file: file ?? undefined });
            }
          }}
          placeholder={file ? 'Add a caption' : 'Message'}
          className="max-h-28 min-h-9 flex-1 resize-none rounded-lg border-0 bg-white px-3 py-2 text-sm outline-none"
          data-testid="sim-input"
          aria-label="Message"
        />
        <button type="submit" disabled={!canSend} className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-emerald-600 text-white disabled:opacity-40" aria-label="Send" data-testid="sim-send">
          <Icon name="send" />
        </button>
      </form>
    </div>
  );
}
