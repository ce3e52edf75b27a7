'use client';

import { useEffect, useState } from 'react';
import { api } from '@/components/api/client';

type Person = { id: string; name: string; presence: string; load: number; maxChats: number };

/**
 * Transfer and resolve, for a supervisor looking at an open chat (they do not write in it). A chat
 * goes to a queue, or to a member of its own queue (any role) who is available with room.
 */
export function ChatActions({
  conversationId,
  queueId,
  queues,
  agents,
  onDone,
}: {
  conversationId: string;
  /** The chat's queue: its members are the people it can be transferred to. */
  queueId: string;
  queues: { id: string; name: string }[];
  /** Live presence and load (the supervision summary), fresher than the member list. */
  agents: Person[];
  onDone: () => void;
}) {
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [members, setMembers] = useState<Person[]>([]);

  useEffect(() => {
    let live = true;
    api<{ items: Person[] }>(`/api/v1/queues/${queueId}/agents`)
      .then((r) => live && setMembers(r.items))
      .catch(() => live && setMembers([]));
    return () => {
      live = false;
    };
  }, [queueId]);
  const people = members.map((m) => ({ ...m, ...agents.find((a) => a.id === m.id) }));

  async function post(path: string, body?: unknown) {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/conversations/${conversationId}/${path}`, { method: 'POST', json: body ?? {} });
      setTarget('');
      onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap items-center justify-end gap-2">
        {/* A select is as wide as its longest option: a long queue name pushed the buttons out of the panel. */}
        <select
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          className="min-w-0 max-w-[16rem] truncate rounded border border-slate-300 px-2 py-1 text-xs"
          data-testid="transfer-target"
          aria-label="Transfer to"
        >
          <option value="">Transfer to…</option>
          <optgroup label="Queues">
            {queues.map((q) => (
              <option key={q.id} value={`queue:${q.id}`}>{q.name}</option>
            ))}
          </optgroup>
          <optgroup label="Members of this queue">
            {people.map((a) => (
              <option key={a.id} value={`agent:${a.id}`} disabled={a.presence !== 'available' || a.load >= a.maxChats}>
                {a.name} ({a.presence}, {a.load}/{a.maxChats})
              </option>
            ))}
          </optgroup>
        </select>
        <button
          disabled={!target || busy}
          onClick={() => {
            const [kind, id] = target.split(':');
            void post('transfer', kind === 'queue' ? { queueId: id } : { agentId: id });
          }}
          className="rounded bg-slate-800 px-2 py-1 text-xs font-medium text-white disabled:opacity-40"
          data-testid="transfer"
        >
          Transfer
        </button>
        <button
          disabled={busy}
          onClick={() => void post('resolve')}
          className="rounded bg-brand-600 px-2 py-1 text-xs font-medium text-white disabled:opacity-40"
          data-testid="resolve"
        >
          Resolve
        </button>
      </div>
      {error && <p className="text-xs text-red-700" role="alert">{error}</p>}
    </div>
  );
}
