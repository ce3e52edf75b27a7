'use client';

import { useState } from 'react';
import type { QueueDto } from '@/lib/admin/queues';
import type { AdminUserDto } from '@/lib/admin/users';
import { EmptyState } from '@/components/ui/app-shell';
import { Badge, Button, Field, Notice, inputClass } from '@/components/ui/form';
import { Modal } from '@/components/ui/modal';
import { api } from '@/components/api/client';
import { useList, useSubmit } from './use-settings';

const RULES = { offer_all: 'Offer to all', least_busy: 'Assign to least busy' } as const;

export function QueuesPanel() {
  // Live counts: refreshed every 10 s while the page is open.
  const queues = useList<QueueDto>('/api/v1/queues', { pollMs: 10_000 });
  const users = useList<AdminUserDto>('/api/v1/users');
  const [editing, setEditing] = useState<QueueDto | 'new' | null>(null);

  return (
    <section data-testid="queues-panel" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">Queues</h2>
          <p className="text-sm text-slate-600">Who answers the chats of each channel, and how chats reach them.</p>
        </div>
        <Button variant="primary" onClick={() => setEditing('new')} data-testid="queue-new">
          Add queue
        </Button>
      </div>
      {queues.error && <Notice tone="error">{queues.error}</Notice>}
      {queues.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : queues.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white">
          <EmptyState title="No queues yet" testId="queues-empty">
            A queue groups the agents who answer a channel. Create one, add agents, then point a channel at it.
          </EmptyState>
        </div>
      ) : (
        <div className="grid gap-4 md:grid-cols-2" data-testid="queues-list">
          {queues.items.map((q) => (
            <article key={q.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`queue-card-${q.id}`}>
              <div className="flex items-start justify-between gap-2">
                <div className="min-w-0">
                  <h3 className="truncate font-semibold" title={q.name}>
                    {q.name}
                  </h3>
                  <p className="text-xs text-slate-500">
                    {RULES[q.routingRule]} · accept within {q.acceptTimeoutSeconds ? `${q.acceptTimeoutSeconds} s` : '—'} · auto-close{' '}
                    {q.completionTimeoutMinutes ? `after ${q.completionTimeoutMinutes} min` : 'never'}
                  </p>
                </div>
                <Button onClick={() => setEditing(q)} data-testid="queue-edit">
                  Edit
                </Button>
              </div>
              <dl className="mt-3 grid grid-cols-3 gap-2 text-center" data-testid="queue-counts">
                {[
                  ['Waiting', q.counts.waiting],
                  ['Active', q.counts.active],
                  ['Agents available', q.counts.availableAgents],
                ].map(([label, n]) => (
                  <div key={label} className="rounded-md bg-slate-50 py-2">
                    <dd className="text-lg font-semibold tabular-nums">{n}</dd>
                    <dt className="text-xs text-slate-500">{label}</dt>
                  </div>
                ))}
              </dl>
              <div className="mt-3">
                <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Members ({q.members.length})</h4>
                {q.members.length === 0 ? (
                  <p className="mt-1 text-sm text-amber-700">No members: chats in this queue will wait until you add agents.</p>
                ) : (
                  <ul className="mt-1 divide-y divide-slate-100 text-sm">
                    {q.members.map((m) => (
                      <li key={m.id} className="flex items-center justify-between gap-2 py-1">
                        <span className={`truncate ${m.active ? '' : 'text-slate-400 line-through'}`} title={m.email}>
                          {m.name}
                        </span>
                        <span className="flex shrink-0 items-center gap-1 text-xs text-slate-500">
                          {m.languages.join(', ') || '—'} · max {m.maxChats}
                          <Badge tone={m.presence === 'available' ? 'green' : m.presence === 'away' ? 'amber' : 'slate'}>{m.presence}</Badge>
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </article>
          ))}
        </div>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Add queue' : `Queue: ${editing.name}`} onClose={() => setEditing(null)} testId="queue-dialog">
          <QueueForm
            queue={editing === 'new' ? null : editing}
            users={users.items ?? []}
            onDone={() => {
              void queues.reload();
              setEditing(null);
            }}
          />
        </Modal>
      )}
    </section>
  );
}

function QueueForm({ queue, users, onDone }: { queue: QueueDto | null; users: AdminUserDto[]; onDone: () => void }) {
  const [name, setName] = useState(queue?.name ?? '');
  const [routingRule, setRule] = useState<QueueDto['routingRule']>(queue?.routingRule ?? 'offer_all');
  const [completion, setCompletion] = useState(queue?.completionTimeoutMinutes?.toString() ?? '');
  const [accept, setAccept] = useState(queue?.acceptTimeoutSeconds?.toString() ?? '');
  const [members, setMembers] = useState<string[]>(queue?.memberIds ?? []);
  const { busy, running, error, errors, run } = useSubmit(onDone);
  const candidates = users.filter((u) => u.role !== 'admin' && (u.active || members.includes(u.id)));
  const num = (s: string) => (s.trim() === '' ? null : Number(s));

  function save(e: React.FormEvent) {
    e.preventDefault();
    const json = { name, routingRule, completionTimeoutMinutes: num(completion), acceptTimeoutSeconds: num(accept), memberIds: members };
    void run(() => (queue ? api(`/api/v1/queues/${queue.id}`, { method: 'PATCH', json }) : api('/api/v1/queues', { method: 'POST', json })));
  }

  function remove() {
    if (!queue || !window.confirm(`Delete the queue "${queue.name}"?`)) return;
    void run(() => api(`/api/v1/queues/${queue.id}`, { method: 'DELETE' }), 'delete');
  }

  return (
    <form onSubmit={save} noValidate className="space-y-4" data-testid="queue-form">
      {error && <Notice tone="error">{error}</Notice>}
      <Field id="queue-name" label="Name" error={errors.name}>
        <input id="queue-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} />
      </Field>
      <Field
        id="queue-rule"
        label="Routing rule"
        error={errors.routingRule}
        hint={routingRule === 'offer_all' ? 'Every available member sees the chat; the first to accept gets it.' : 'Given to the available member with the fewest chats, preferring those who speak the language.'}
      >
        <select id="queue-rule" className={inputClass} value={routingRule} onChange={(e) => setRule(e.target.value as QueueDto['routingRule'])}>
          <option value="offer_all">{RULES.offer_all}</option>
          <option value="least_busy">{RULES.least_busy}</option>
        </select>
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="queue-completion" label="Completion timeout (minutes)" error={errors.completionTimeoutMinutes} hint="Close a chat after this long without messages. Empty: never.">
          <input id="queue-completion" type="number" min={1} className={inputClass} value={completion} onChange={(e) => setCompletion(e.target.value)} aria-invalid={!!errors.completionTimeoutMinutes} />
        </Field>
        <Field id="queue-accept" label="Accept timeout (seconds)" error={errors.acceptTimeoutSeconds} hint="Least busy: offer to the next agent after this long. Empty: no limit.">
          <input id="queue-accept" type="number" min={5} className={inputClass} value={accept} onChange={(e) => setAccept(e.target.value)} aria-invalid={!!errors.acceptTimeoutSeconds} />
        </Field>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Members</legend>
        {errors.memberIds && <p className="text-xs text-red-600">{errors.memberIds}</p>}
        {candidates.length === 0 ? (
          <p className="mt-1 text-sm text-slate-500">No agents yet: add them under Users.</p>
        ) : (
          <ul className="mt-1 max-h-60 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200">
            {candidates.map((u) => (
              <li key={u.id}>
                <label className="flex cursor-pointer items-center gap-3 px-3 py-2 text-sm hover:bg-slate-50">
                  <input
                    type="checkbox"
                    checked={members.includes(u.id)}
                    onChange={(e) => setMembers((m) => (e.target.checked ? [...m, u.id] : m.filter((x) => x !== u.id)))}
                    data-testid={`queue-member-${u.email}`}
                  />
                  <span className="min-w-0 flex-1 truncate">
                    {u.name} <span className="text-xs text-slate-500 capitalize">{u.role}</span>
                  </span>
                  <span className="shrink-0 text-xs text-slate-500">
                    {u.languages.join(', ') || '—'} · max {u.maxChats}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <div className="flex items-center gap-2 border-t border-slate-200 pt-4">
        <Button type="submit" variant="primary" disabled={busy} data-testid="queue-save">
          {running === 'save' ? 'Saving…' : queue ? 'Save changes' : 'Create queue'}
        </Button>
        {queue && (
          <Button variant="danger" className="ml-auto" disabled={busy} onClick={remove} data-testid="queue-delete">
            {running === 'delete' ? 'Deleting…' : 'Delete'}
          </Button>
        )}
      </div>
    </form>
  );
}
