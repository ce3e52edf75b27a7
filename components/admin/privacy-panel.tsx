'use client';

import { useEffect, useRef, useState } from 'react';
import type { ChannelDto } from '@/lib/admin/channels';
import type { PrivacyContactDetailDto, PrivacyContactDto } from '@/lib/privacy/contacts';
import type { ErasureReceipt } from '@/lib/privacy/receipts';
import { Badge, Button, Field, Notice, inputClass } from '@/components/ui/form';
import { api, ApiError } from '@/components/api/client';
import { useList } from './use-settings';
import { PrivacyEraseDialog } from './privacy-erase-dialog';
import { PrivacyReceipts, countsText } from './privacy-receipts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function PrivacyPanel() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PrivacyContactDto[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<PrivacyContactDetailDto | null>(null);
  const [erasing, setErasing] = useState(false);
  const [receipt, setReceipt] = useState<ErasureReceipt | null>(null);
  const receiptRef = useRef<HTMLDivElement>(null);
  const receipts = useList<ErasureReceipt>('/api/v1/erasures?limit=20');
  const channels = useList<ChannelDto>('/api/v1/channels');

  async function search(e: React.FormEvent) {
    e.preventDefault();
    setSearching(true);
    setError(null);
    setSelected(null);
    try {
      setResults((await api<{ items: PrivacyContactDto[] }>(`/api/v1/contacts?${new URLSearchParams({ q })}`)).items);
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setSearching(false);
    }
  }

  async function open(c: PrivacyContactDto) {
    setError(null);
    setReceipt(null);
    try {
      setSelected(await api<PrivacyContactDetailDto>(`/api/v1/contacts/${c.id}`));
    } catch (err) {
      setError((err as ApiError).message);
    }
  }

  function erased(r: ErasureReceipt) {
    setErasing(false);
    setReceipt(r);
    setResults((list) => list?.filter((c) => c.id !== r.contactId) ?? null);
    setSelected(null);
    void receipts.reload();
  }

  // The dialog and the button it came from are gone: focus goes to the receipt, which says what happened.
  useEffect(() => {
    if (receipt) receiptRef.current?.focus();
  }, [receipt]);

  return (
    <section data-testid="privacy-panel" className="space-y-6">
      <div>
        <h2 className="text-lg font-semibold">Contacts &amp; privacy</h2>
        <p className="text-sm text-slate-600">
          Answer a customer&apos;s request: find them, export everything Parley holds about them, or erase it. Set how long each channel keeps
          messages in its channel settings.
        </p>
      </div>

      <form onSubmit={search} role="search" noValidate className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <Field id="privacy-q" label="Find a contact" hint="Part of the number (3+ digits) or words of the name" className="min-w-[12rem] flex-1">
          <input id="privacy-q" type="search" className={inputClass} value={q} onChange={(e) => setQ(e.target.value)} data-testid="privacy-search" autoComplete="off" />
        </Field>
        <Button type="submit" className="mb-5" disabled={searching || !q.trim()} data-testid="privacy-search-submit">
          {searching ? 'Searching…' : 'Search'}
        </Button>
      </form>

      {error && <Notice tone="error">{error}</Notice>}
      {receipt && (
        <div ref={receiptRef} tabIndex={-1} className="focus:outline-none" data-testid="privacy-receipt">
          <Notice tone="success">
            <p className="font-medium">The contact was erased.</p>
            <p className="mt-1">
              {countsText(receipt.counts)}; {plural(receipt.filesRemoved, 'file')} deleted from disk.
            </p>
            <p className="mt-1 break-all">
              Receipt{' '}
              <a className="font-mono underline" href={`/api/v1/erasures/${receipt.receiptId}`} data-testid="privacy-receipt-id">
                {receipt.receiptId}
              </a>{' '}
              · {new Date(receipt.erasedAt).toLocaleString()}
            </p>
          </Notice>
        </div>
      )}

      {results && !selected && (
        <div aria-live="polite">
          {results.length === 0 ? (
            <p className="text-sm text-slate-500" data-testid="privacy-no-results">
              No contact matches “{q}”.
            </p>
          ) : (
            <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="privacy-results">
              {results.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    onClick={() => void open(c)}
                    className="flex w-full flex-wrap items-center justify-between gap-2 px-4 py-3 text-left hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none"
                    data-testid={`privacy-result-${c.phone}`}
                  >
                    <span className="min-w-0">
                      <span className="block truncate font-medium text-slate-900">{c.name ?? 'No name'}</span>
                      <span className="block font-mono text-sm text-slate-600">{c.phone}</span>
                    </span>
                    <span className="text-sm text-slate-600">
                      {plural(c.counts.conversations, 'conversation')} · {plural(c.counts.messages, 'message')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {selected && (
        <article className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="privacy-contact" aria-labelledby="privacy-contact-name">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h3 id="privacy-contact-name" className="truncate text-base font-semibold text-slate-900">
                {selected.name ?? 'No name'}
              </h3>
              <p className="font-mono text-sm text-slate-700">{selected.phone}</p>
              {selected.waId && <p className="text-xs text-slate-500">WhatsApp id {selected.waId}</p>}
            </div>
            <Button variant="ghost" onClick={() => setSelected(null)}>
              Back to results
            </Button>
          </div>
          <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4" data-testid="privacy-counts">
            {(
              [
                ['Conversations', selected.counts.conversations],
                ['Open now', selected.counts.openConversations],
                ['Messages', selected.counts.messages],
                ['Attachments', selected.counts.attachments],
              ] as const
            ).map(([label, n]) => (
              <div key={label} className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd className="text-lg font-semibold text-slate-900">{n}</dd>
              </div>
            ))}
          </dl>
          {selected.conversations.length > 0 && (
            <ul className="space-y-1 text-sm" aria-label="Conversations">
              {selected.conversations.map((c) => (
                <li key={c.id} className="flex flex-wrap items-center gap-2">
                  <Badge tone={c.status === 'closed' ? 'slate' : 'green'}>{c.status}</Badge>
                  <span>{c.channelName}</span>
                  <span className="text-slate-500">
                    {new Date(c.createdAt).toLocaleDateString()} · {plural(c.messageCount, 'message')}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <div className="flex flex-wrap gap-2 border-t border-slate-200 pt-4">
            <a
              href={`/api/v1/contacts/${selected.id}/export`}
              download
              className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
              data-testid="privacy-export"
            >
              Export data (zip)
            </a>
            <Button id="privacy-erase" variant="danger" onClick={() => setErasing(true)} data-testid="privacy-erase">
              Erase contact…
            </Button>
          </div>
        </article>
      )}

      {erasing && selected && (
        <PrivacyEraseDialog
          contact={selected}
          onClose={() => {
            setErasing(false);
            document.getElementById('privacy-erase')?.focus();
          }}
          onErased={erased}
        />
      )}

      <PrivacyReceipts receipts={receipts.items} channels={channels.items} error={receipts.error} />
    </section>
  );
}
