'use client';

import { useEffect, useState } from 'react';
import { api } from '@/components/api/client';
import type { InboxConversation, WorkspaceChannel } from '@/components/inbox/types';

type Agent = { id: string; name: string; presence: string; load: number; maxChats: number; languages: string[] };
type Earlier = { id: string; status: string; createdAt: string; closedAt: string | null; queueName: string; assigneeName: string | null; messageCount: number };

export function ContactPanel({
  conversation,
  channel,
  queues,
  meId,
  canAct,
  onChanged,
  onOpen,
}: {
  conversation: InboxConversation;
  channel?: WorkspaceChannel;
  queues: { id: string; name: string }[];
  meId: string;
  /** Whether the viewer may transfer and resolve it: its agent, or a supervisor or admin. */
  canAct: boolean;
  onChanged: (message: string) => void;
  onOpen?: (id: string) => void;
}) {
  const [earlier, setEarlier] = useState<Earlier[] | null>(null);
  const [transferOpen, setTransferOpen] = useState(false);
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [target, setTarget] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setEarlier(null);
    api<{ items: Earlier[] }>(`/api/v1/conversations/${conversation.id}/contact-history`)
      .then((r) => live && setEarlier(r.items.filter((c) => c.id !== conversation.id)))
      .catch(() => live && setEarlier([]));
    return () => {
      live = false;
    };
  }, [conversation.id]);

  useEffect(() => {
    if (!transferOpen) return;
    setAgents(null);
    setTarget('');
    setError(null);
    api<{ items: Agent[] }>(`/api/v1/queues/${conversation.queueId}/agents`)
      .then((r) => setAgents(r.items.filter((a) => a.id !== meId)))
      .catch((e: Error) => {
        setAgents([]);
        setError(e.message);
      });
  }, [transferOpen, conversation.queueId, meId]);

  const act = async (path: string, json: unknown, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/conversations/${conversation.id}/${path}`, { method: 'POST', json });
      setTransferOpen(false);
      onChanged(done);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Transfer and resolve: an open chat the viewer may act on (the server refuses the others anyway).
  const open = conversation.status !== 'closed' && canAct;
  return (
    <aside className="flex w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-200 bg-white p-4 text-sm" data-testid="contact-panel">
      <section>
        <h3 dir="auto" className="text-base font-semibold" data-testid="contact-name">
          {conversation.contact.name ?? 'Unknown name'}
        </h3>
        <dl className="mt-2 space-y-1 text-xs text-slate-600">
          <div className="flex justify-between gap-2">
            <dt>Number</dt>
            <dd className="font-mono" data-testid="contact-phone">
              {conversation.contact.phone}
            </dd>
          </div>
          <div className="flex justify-between gap-2">
            <dt>Language</dt>
            <dd>{conversation.contact.language ?? `${conversation.language} (channel)`}</dd>
          </div>
          {channel && (
            <div className="flex justify-between gap-2">
              <dt>Channel</dt>
              <dd className="truncate text-right">
                {channel.name}
                {channel.provider === 'simulator' && <span className="ml-1 rounded bg-violet-100 px-1 text-[10px] text-violet-700">simulator</span>}
              </dd>
            </div>
          )}
          <div className="flex justify-between gap-2">
            <dt>Queue</dt>
            <dd>{queues.find((q) => q.id === conversation.queueId)?.name ?? '—'}</dd>
          </div>
        </dl>
      </section>

      {open && (
        <section className="space-y-2">
          <div className="flex gap-2">
            <button
              type="button"
              onClick={() => setTransferOpen((o) => !o)}
              className="flex-1 rounded-md border border-slate-300 px-3 py-1.5 text-xs font-medium hover:bg-slate-50"
              data-testid="transfer"
            >
              Transfer…
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('resolve', {}, 'Chat resolved.')}
              className="flex-1 rounded-md bg-slate-800 px-3 py-1.5 text-xs font-medium text-white hover:bg-slate-900 disabled:opacity-60"
              data-testid="resolve"
            >
              Resolve
            </button>
          </div>
          {transferOpen && (
            <div className="space-y-2 rounded-md border border-slate-200 p-2" data-testid="transfer-dialog">
              <label className="block text-xs font-medium text-slate-600" htmlFor="transfer-target">
                Transfer to
              </label>
              <select
                id="transfer-target"
                value={target}
                onChange={(e) => setTarget(e.target.value)}
                className="w-full rounded border border-slate-300 px-2 py-1 text-xs"
              >
                <option value="">Choose an agent or a queue…</option>
                {/* Only members of the chat's queue can be given it (any role), when available with room. */}
                <optgroup label="Members of this queue">
                  {(agents ?? []).map((a) => (
                    <option key={a.id} value={`agent:${a.id}`} disabled={a.presence !== 'available' || a.load >= a.maxChats}>
                      {a.name} — {a.presence}, {a.load}/{a.maxChats}
                      {a.languages.length ? ` (${a.languages.join(', ')})` : ''}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Queues">
                  {queues
                    .filter((q) => q.id !== conversation.queueId)
                    .map((q) => (
                      <option key={q.id} value={`queue:${q.id}`}>
                        {q.name}
                      </option>
                    ))}
                </optgroup>
              </select>
              {agents === null && <p className="text-[11px] text-slate-400">Loading agents…</p>}
              <button
                type="button"
                disabled={!target || busy}
                onClick={() => {
                  const [kind, id] = target.split(':');
                  void act('transfer', kind === 'agent' ? { agentId: id } : { queueId: id }, 'Chat transferred.');
                }}
                className="w-full rounded-md bg-brand-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-50"
                data-testid="transfer-confirm"
              >
                Transfer
              </button>
            </div>
          )}
          {error && (
            <p role="alert" className="text-xs text-rose-700">
              {error}
            </p>
          )}
        </section>
      )}

      <section>
        <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Earlier conversations</h4>
        {earlier === null ? (
          <p className="text-xs text-slate-400">Loading…</p>
        ) : earlier.length === 0 ? (
          <p className="text-xs text-slate-400" data-testid="no-earlier">
            This is the first conversation with this customer.
          </p>
        ) : (
          <ul className="space-y-1.5" data-testid="earlier-conversations">
            {earlier.map((c) => (
              <li key={c.id}>
                {/* Closed ones open as a transcript; an open one is a live chat (in the list when it is yours). */}
                <button
                  type="button"
                  disabled={!onOpen || c.status !== 'closed'}
                  onClick={() => onOpen?.(c.id)}
                  title={c.status === 'closed' ? undefined : 'In progress: not a transcript yet'}
                  className="w-full rounded-md border border-slate-100 px-2 py-1.5 text-left text-xs hover:bg-slate-50 disabled:cursor-default"
                >
                  <div className="flex justify-between">
                    <span>{new Date(c.createdAt).toLocaleDateString()}</span>
                    <span className="capitalize text-slate-500">{c.status}</span>
                  </div>
                  <div className="text-slate-500">
                    {c.queueName} · {c.assigneeName ?? 'unassigned'} · {c.messageCount} messages
                  </div>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
