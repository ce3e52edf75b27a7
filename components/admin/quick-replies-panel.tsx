'use client';

import { useDeferredValue, useState } from 'react';
import type { QueueDto } from '@/lib/admin/queues';
import type { QuickReplyDto } from '@/lib/admin/quick-replies';
import { fillQuickReply, QUICK_REPLY_FIELDS } from '@/lib/templates/placeholders';
import { EmptyState } from '@/components/ui/app-shell';
import { Badge, Button, Field, Notice, inputClass } from '@/components/ui/form';
import { Modal } from '@/components/ui/modal';
import { api } from '@/components/api/client';
import { useList, useSubmit } from './use-settings';
import { LANGUAGE_NAMES, languageName } from './languages';

export function QuickRepliesPanel({ agentName }: { agentName: string }) {
  const [q, setQ] = useState('');
  const [language, setLanguage] = useState('');
  const query = useDeferredValue(q.trim());
  const params = new URLSearchParams({ ...(query ? { q: query } : {}), ...(language ? { language } : {}) }).toString();
  const replies = useList<QuickReplyDto>(`/api/v1/quick-replies${params ? `?${params}` : ''}`);
  const queues = useList<QueueDto>('/api/v1/queues');
  const [editing, setEditing] = useState<QuickReplyDto | 'new' | null>(null);
  const queueName = new Map((queues.items ?? []).map((x) => [x.id, x.name]));

  return (
    <section data-testid="quick-replies-panel" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">Quick replies</h2>
          <p className="text-sm text-slate-600">
            Agents type <code className="font-mono">/shortcut</code> to insert one. Replies in the chat&apos;s language are offered first.
          </p>
        </div>
        <Button variant="primary" onClick={() => setEditing('new')} data-testid="quick-reply-new">
          Add quick reply
        </Button>
      </div>
      <div className="flex flex-wrap gap-2">
        <input
          type="search"
          className={`${inputClass} max-w-xs`}
          placeholder="Search by shortcut or text"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label="Search quick replies"
          data-testid="quick-reply-search"
        />
        <select className={`${inputClass} max-w-[12rem]`} value={language} onChange={(e) => setLanguage(e.target.value)} aria-label="Language">
          <option value="">All languages</option>
          {Object.entries(LANGUAGE_NAMES).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {replies.error && <Notice tone="error">{replies.error}</Notice>}
      {replies.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : replies.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white">
          <EmptyState title={query || language ? 'No quick reply matches' : 'No quick replies yet'} testId="quick-replies-empty">
            {query || language ? 'Try another search or language.' : 'Save the answers your agents type again and again, in each language you serve.'}
          </EmptyState>
        </div>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="quick-replies-list">
          {replies.items.map((r) => (
            <li key={r.id} className="flex items-start gap-3 px-4 py-3" data-testid={`quick-reply-${r.shortcut}-${r.language}`}>
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="font-mono text-sm font-semibold">/{r.shortcut}</code>
                  <Badge tone="blue">{languageName(r.language)}</Badge>
                  {r.queueIds ? (
                    <Badge>{r.queueIds.map((id) => queueName.get(id) ?? 'deleted queue').join(', ')}</Badge>
                  ) : (
                    <Badge>All queues</Badge>
                  )}
                </div>
                <p className="mt-1 line-clamp-2 text-sm break-words whitespace-pre-line text-slate-700">{r.text}</p>
              </div>
              <Button onClick={() => setEditing(r)} data-testid="quick-reply-edit">
                Edit
              </Button>
            </li>
          ))}
        </ul>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Add quick reply' : `Quick reply /${editing.shortcut}`} onClose={() => setEditing(null)} testId="quick-reply-dialog">
          <QuickReplyForm
            reply={editing === 'new' ? null : editing}
            queues={queues.items ?? []}
            agentName={agentName}
            onDone={() => {
              void replies.reload();
              setEditing(null);
            }}
          />
        </Modal>
      )}
    </section>
  );
}

function QuickReplyForm({ reply, queues, agentName, onDone }: { reply: QuickReplyDto | null; queues: QueueDto[]; agentName: string; onDone: () => void }) {
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const [language, setLanguage] = useState(reply?.language ?? 'en');
  const [text, setText] = useState(reply?.text ?? '');
  const [queueIds, setQueueIds] = useState<string[] | null>(reply?.queueIds ?? null);
  const { busy, running, error, errors, run } = useSubmit(onDone);

  function save(e: React.FormEvent) {
    e.preventDefault();
    const json = { shortcut, language, text, queueIds: queueIds?.length ? queueIds : null };
    void run(() => (reply ? api(`/api/v1/quick-replies/${reply.id}`, { method: 'PATCH', json }) : api('/api/v1/quick-replies', { method: 'POST', json })));
  }

  return (
    <form onSubmit={save} noValidate className="space-y-4" data-testid="quick-reply-form">
      {error && <Notice tone="error" testId="quick-reply-form-error">{error}</Notice>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="qr-shortcut" label="Shortcut" error={errors.shortcut} hint="Letters, digits, - or _, e.g. saludo">
          <div className="flex items-center">
            <span className="rounded-l-md border border-r-0 border-slate-300 bg-slate-50 px-2 py-2 font-mono text-sm text-slate-500">/</span>
            <input id="qr-shortcut" className={`${inputClass} rounded-l-none font-mono`} value={shortcut} onChange={(e) => setShortcut(e.target.value)} aria-invalid={!!errors.shortcut} />
          </div>
        </Field>
        <Field id="qr-language" label="Language" error={errors.language}>
          <select id="qr-language" className={inputClass} value={language} onChange={(e) => setLanguage(e.target.value)}>
            {Object.entries(LANGUAGE_NAMES).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="qr-text" label="Text" error={errors.text}>
        <textarea id="qr-text" rows={4} className={inputClass} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!!errors.text} />
      </Field>
      <div className="-mt-2 flex flex-wrap items-center gap-1 text-xs text-slate-500">
        Insert:
        {QUICK_REPLY_FIELDS.map((f) => (
          <button key={f} type="button" className="rounded border border-slate-200 px-1.5 py-0.5 font-mono hover:bg-slate-50" onClick={() => setText((t) => `${t}{{${f}}}`)}>
            {`{{${f}}}`}
          </button>
        ))}
      </div>
      <div>
        <div className="text-sm font-medium text-slate-700">Preview</div>
        <div className="mt-1 max-w-md rounded-lg rounded-tr-none bg-emerald-50 px-3 py-2 text-sm break-words whitespace-pre-line text-slate-800" data-testid="quick-reply-preview">
          {text ? fillQuickReply(text, { 'contact.name': 'María García', 'contact.phone': '+34600123456', 'agent.name': agentName }) : <span className="text-slate-400">The text, as a customer called María García would see it.</span>}
        </div>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Offered in</legend>
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input type="radio" checked={queueIds === null} onChange={() => setQueueIds(null)} /> All queues
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" checked={queueIds !== null} onChange={() => setQueueIds([])} disabled={queues.length === 0} /> Only some queues
        </label>
        {queueIds !== null && (
          <div className="mt-1 ml-6 flex flex-wrap gap-3">
            {queues.map((q) => (
              <label key={q.id} className="flex max-w-[14rem] items-center gap-1.5 text-sm">
                <input type="checkbox" checked={queueIds.includes(q.id)} onChange={(e) => setQueueIds((ids) => (e.target.checked ? [...(ids ?? []), q.id] : (ids ?? []).filter((x) => x !== q.id)))} />
                <span className="truncate">{q.name}</span>
              </label>
            ))}
          </div>
        )}
        {errors.queueIds && <p className="text-xs text-red-600">{errors.queueIds}</p>}
      </fieldset>
      <div className="flex items-center gap-2 border-t border-slate-200 pt-4">
        <Button type="submit" variant="primary" disabled={busy} data-testid="quick-reply-save">
          {running === 'save' ? 'Saving…' : reply ? 'Save changes' : 'Create quick reply'}
        </Button>
        {reply && (
          <Button variant="danger" className="ml-auto" disabled={busy} onClick={() => window.confirm(`Delete /${reply.shortcut}?`) && void run(() => api(`/api/v1/quick-replies/${reply.id}`, { method: 'DELETE' }), 'delete')}>
            {running === 'delete' ? 'Deleting…' : 'Delete'}
          </Button>
        )}
      </div>
    </form>
  );
}
