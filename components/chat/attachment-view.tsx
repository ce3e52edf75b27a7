'use client';

import { useState } from 'react';
import type { AttachmentDto } from '@/lib/conversations/dto';
import { FileIcon } from '@/components/ui/icons';

export function formatBytes(n: number | null | undefined): string {
  if (!n && n !== 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentView({ a }: { a: AttachmentDto }) {
  const [open, setOpen] = useState(false);
  if (a.status === 'pending') {
    return (
      <div className="flex items-center gap-2 rounded-md bg-black/5 px-3 py-2 text-sm text-slate-600" data-testid="attachment-pending">
        <span className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-slate-400 border-t-transparent" />
        {a.filename ?? 'Media'} — downloading…
      </div>
    );
  }
  if (a.status === 'failed' || !a.url) {
    return (
      <div className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" data-testid="attachment-failed">
        {a.filename ?? 'Media'} could not be loaded{a.failureReason ? `: ${a.failureReason}` : ''}
      </div>
    );
  }
  const type = a.contentType ?? '';
  if (type.startsWith('image/')) {
    return (
      <>
        <button type="button" onClick={() => setOpen(true)} className="block" aria-label="Open image">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={a.url} alt={a.filename ?? 'Image'} className="max-h-64 max-w-full rounded-md object-contain" data-testid="attachment-image" />
        </button>
        {open && (
          <div
            role="dialog"
            aria-label="Image viewer"
            className="fixed inset-0 z-50 flex items-center justify-center bg-black/80 p-6"
            onClick={() => setOpen(false)}
            onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
            tabIndex={-1}
          >
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={a.url} alt={a.filename ?? 'Image'} className="max-h-full max-w-full object-contain" />
            <a href={a.url} download={a.filename ?? true} className="absolute right-6 top-6 rounded bg-white px-3 py-1 text-sm" onClick={(e) => e.stopPropagation()}>
              Download
            </a>
          </div>
        )}
      </>
    );
  }
  if (type.startsWith('audio/')) return <audio controls src={a.url} className="w-64 max-w-full" data-testid="attachment-audio" />;
  if (type.startsWith('video/')) return <video controls src={a.url} className="max-h-64 max-w-full rounded-md" data-testid="attachment-video" />;
  return (
    <a
      href={a.url}
      download={a.filename ?? true}
      className="flex items-center gap-3 rounded-md bg-black/5 px-3 py-2 text-sm hover:bg-black/10"
      data-testid="attachment-document"
    >
      <FileIcon className="h-6 w-6 text-slate-500" />
      <span className="min-w-0">
        <span className="block truncate font-medium">{a.filename ?? 'Document'}</span>
        <span className="text-xs text-slate-500">
          {type || 'file'} · {formatBytes(a.size)} · Download
        </span>
      </span>
    </a>
  );
}
