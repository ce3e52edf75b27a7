'use client';

import { useState } from 'react';
import type { QueueDto } from '@/lib/admin/queues';
import type { AdminUserDto } from '@/lib/admin/users';
import type { SessionDto } from '@/lib/auth/sessions';
import { Badge, Button, Field, Notice, inputClass } from '@/components/ui/form';
import { Modal } from '@/components/ui/modal';
import { api, ApiError } from '@/components/api/client';
import { useList, useSubmit } from './use-settings';
import { LANGUAGE_NAMES } from './languages';

export function UsersPanel({ currentUserId }: { currentUserId: string }) {
  const users = useList<AdminUserDto>('/api/v1/users');
  const queues = useList<QueueDto>('/api/v1/queues');
  const [editing, setEditing] = useState<AdminUserDto | 'new' | null>(null);
  const queueName = new Map((queues.items ?? []).map((q) => [q.id, q.name]));

  return (
    <section data-testid="users-panel" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">Users</h2>
          <p className="text-sm text-slate-600">Agents answer chats, supervisors watch the queues, admins set Parley up.</p>
        </div>
        <Button variant="primary" onClick={() => setEditing('new')} data-testid="user-new">
          Add user
        </Button>
      </div>
      {users.error && <Notice tone="error">{users.error}</Notice>}
      {users.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="users-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-4 py-2">Name</th>
                <th className="px-4 py-2">Role</th>
                <th className="px-4 py-2">Languages</th>
                <th className="px-4 py-2 text-right">Max chats</th>
                <th className="px-4 py-2">Queues</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.items.map((u) => (
                <tr key={u.id} data-testid={`user-row-${u.email}`} className={u.active ? '' : 'text-slate-400'}>
                  <td className="max-w-[18rem] px-4 py-2">
                    <div className="truncate font-medium" title={u.name}>
                      {u.name} {u.id === currentUserId && <span className="text-xs font-normal text-slate-500">(you)</span>}
                    </div>
                    <div className="truncate text-xs text-slate-500" title={u.email}>
                      {u.email}
                    </div>
                  </td>
                  <td className="px-4 py-2 capitalize">{u.role}</td>
                  <td className="px-4 py-2">{u.languages.join(', ') || '—'}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{u.maxChats}</td>
                  <td className="max-w-[14rem] truncate px-4 py-2" title={u.queueIds.map((id) => queueName.get(id)).join(', ')}>
                    {u.queueIds.map((id) => queueName.get(id)).join(', ') || '—'}
                  </td>
                  <td className="px-4 py-2">{u.active ? <Badge tone="green">Active</Badge> : <Badge>Deactivated</Badge>}</td>
                  <td className="px-4 py-2 text-right">
                    <Button onClick={() => setEditing(u)} data-testid="user-edit">
                      Edit
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Add user' : `User: ${editing.name}`} onClose={() => setEditing(null)} testId="user-dialog">
          <UserForm
            user={editing === 'new' ? null : editing}
            queues={queues.items ?? []}
            isSelf={editing !== 'new' && editing.id === currentUserId}
            onDone={() => {
              void users.reload();
              setEditing(null);
            }}
          />
          {editing !== 'new' && <UserSessions user={editing} isSelf={editing.id === currentUserId} />}
        </Modal>
      )}
    </section>
  );
}

function UserForm({ user, queues, isSelf, onDone }: { user: AdminUserDto | null; queues: QueueDto[]; isSelf: boolean; onDone: () => void }) {
  const [v, setV] = useState({
    name: user?.name ?? '',
    email: user?.email ?? '',
    role: user?.role ?? ('agent' as AdminUserDto['role']),
    languages: user?.languages ?? ['en'],
    maxChats: String(user?.maxChats ?? 5),
    password: '',
    queueIds: user?.queueIds ?? [],
  });
  const { busy, running, error, errors, run } = useSubmit(onDone);
  const toggle = (list: string[], x: string, on: boolean) => (on ? [...new Set([...list, x])] : list.filter((y) => y !== x));

  function submit(json: Record<string, unknown>, action = 'save') {
    return run(() => (user ? api(`/api/v1/users/${user.id}`, { method: 'PATCH', json }) : api('/api/v1/users', { method: 'POST', json })), action);
  }

  function save(e: React.FormEvent) {
    e.preventDefault();
    const maxChats = Number(v.maxChats);
    void submit({
      name: v.name,
      email: v.email,
      role: v.role,
      languages: v.languages,
      maxChats: Number.isFinite(maxChats) && v.maxChats.trim() !== '' ? maxChats : v.maxChats,
      queueIds: v.queueIds,
      ...(v.password || !user ? { password: v.password } : {}),
    });
  }

  return (
    <form onSubmit={save} noValidate className="space-y-4" data-testid="user-form">
      {error && <Notice tone="error" testId="user-form-error">{error}</Notice>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="user-name" label="Name" error={errors.name}>
          <input id="user-name" className={inputClass} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} aria-invalid={!!errors.name} />
        </Field>
        <Field id="user-email" label="Email" error={errors.email}>
          <input id="user-email" type="email" className={inputClass} value={v.email} onChange={(e) => setV({ ...v, email: e.target.value })} aria-invalid={!!errors.email} autoComplete="off" />
        </Field>
        <Field id="user-role" label="Role" error={errors.role}>
          <select id="user-role" className={inputClass} value={v.role} onChange={(e) => setV({ ...v, role: e.target.value as AdminUserDto['role'] })}>
            <option value="agent">Agent</option>
            <option value="supervisor">Supervisor</option>
            <option value="admin">Admin</option>
          </select>
        </Field>
        <Field id="user-max" label="Max chats at once" error={errors.maxChats} hint="The routing never gives this agent more.">
          <input id="user-max" type="number" min={1} max={50} className={inputClass} value={v.maxChats} onChange={(e) => setV({ ...v, maxChats: e.target.value })} aria-invalid={!!errors.maxChats} />
        </Field>
        <Field id="user-password" label={user ? 'New password' : 'Password'} error={errors.password} hint={user ? 'Leave empty to keep the current password. A new one signs them out everywhere.' : 'At least 8 characters. Tell the user; they can sign in at once.'}>
          <input id="user-password" type="password" className={inputClass} value={v.password} onChange={(e) => setV({ ...v, password: e.target.value })} aria-invalid={!!errors.password} autoComplete="new-password" />
        </Field>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Languages</legend>
        {errors.languages && <p className="text-xs text-red-600">{errors.languages}</p>}
        <div className="mt-1 flex flex-wrap gap-3">
          {Object.entries(LANGUAGE_NAMES).map(([code, label]) => (
            <label key={code} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={v.languages.includes(code)} onChange={(e) => setV({ ...v, languages: toggle(v.languages, code, e.target.checked) })} data-testid={`user-lang-${code}`} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {queues.length > 0 && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Queues</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {queues.map((q) => (
              <label key={q.id} className="flex max-w-[14rem] items-center gap-1.5 text-sm">
                <input type="checkbox" checked={v.queueIds.includes(q.id)} onChange={(e) => setV({ ...v, queueIds: toggle(v.queueIds, q.id, e.target.checked) })} data-testid={`user-queue-${q.name}`} />
                <span className="truncate">{q.name}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="flex flex-wrap items-center gap-2 border-t border-slate-200 pt-4">
        <Button type="submit" variant="primary" disabled={busy} data-testid="user-save">
          {running === 'save' ? 'Saving…' : user ? 'Save changes' : 'Create user'}
        </Button>
        {user && !isSelf && (
          <Button
            variant={user.active ? 'danger' : 'secondary'}
            className="ml-auto"
            disabled={busy}
            data-testid="user-toggle-active"
            onClick={() => {
              if (user.active && !window.confirm(`Deactivate ${user.name}? They are signed out at once and their open chats go back to the queue.`)) return;
              void submit({ active: !user.active }, 'toggle');
            }}
          >
            {running === 'toggle' ? (user.active ? 'Deactivating…' : 'Reactivating…') : user.active ? 'Deactivate' : 'Reactivate'}
          </Button>
        )}
      </div>
    </form>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString();

/** "Firefox on Windows" from a user agent, enough to tell one's browsers apart. */
function deviceOf(ua: string | null): string {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  return browser && os ? `${browser} on ${os}` : browser ?? os ?? ua.slice(0, 40);
}

/** The user's signed-in browsers, each of which can be ended, and "Sign out everywhere". */
function UserSessions({ user, isSelf }: { user: AdminUserDto; isSelf: boolean }) {
  const sessions = useList<SessionDto>(`/api/v1/users/${user.id}/sessions`);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function act(key: string, fn: () => Promise<string>) {
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      setDone(await fn());
      void sessions.reload();
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(null);
    }
  }

  const end = (s: SessionDto) =>
    act(s.id, async () => {
      await api(`/api/v1/users/${user.id}/sessions/${s.id}`, { method: 'DELETE' });
      return 'That session has ended.';
    });

  const everywhere = () => {
    const warning = isSelf ? ' This signs you out too.' : '';
    if (!window.confirm(`Sign ${user.name} out everywhere? Every browser and every password-login API token of theirs stops working at once; integration tokens keep working.${warning}`)) return;
    void act('all', async () => {
      const r = await api<{ sessions: number; loginTokens: number }>(`/api/v1/users/${user.id}/sessions`, { method: 'DELETE' });
      return `Signed out everywhere: ${r.sessions} ${r.sessions === 1 ? 'session' : 'sessions'} and ${r.loginTokens} login ${r.loginTokens === 1 ? 'token' : 'tokens'} ended.`;
    });
  };

  return (
    <section aria-labelledby="user-sessions-title" className="mt-6 space-y-3 border-t border-slate-200 pt-4" data-testid="user-sessions">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="user-sessions-title" className="text-sm font-semibold text-slate-800">
          Signed-in browsers
        </h3>
        <Button variant="danger" disabled={busy !== null} onClick={everywhere} data-testid="user-sign-out-everywhere">
          {busy === 'all' ? 'Signing out…' : 'Sign out everywhere'}
        </Button>
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      {done && <Notice tone="success" testId="user-sessions-done">{done}</Notice>}
      {sessions.error && <Notice tone="error">{sessions.error}</Notice>}
      {sessions.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : sessions.items.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="user-sessions-empty">
          Not signed in anywhere.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {sessions.items.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="user-session">
              <div className="min-w-0">
                <div className="truncate font-medium" title={s.userAgent ?? undefined}>
                  {deviceOf(s.userAgent)}
                  {s.ip && <span className="font-normal text-slate-500"> · {s.ip}</span>}
                </div>
                <div className="text-xs text-slate-500">
                  Signed in {when(s.createdAt)} · last seen {when(s.lastSeenAt)}
                </div>
              </div>
              <Button variant="secondary" disabled={busy !== null} onClick={() => void end(s)} aria-label={`End session: ${deviceOf(s.userAgent)}, signed in ${when(s.createdAt)}`} data-testid="user-session-end">
                {busy === s.id ? 'Ending…' : 'End'}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
