'use client';

import { useState } from 'react';
import type { ApiTokenDto } from '@/lib/admin/api-tokens';
import { EmptyState } from '@/components/ui/app-shell';
import { CopyButton } from '@/components/ui/copy-button';
import { Badge, Button, Field, Notice, inputClass } from '@/components/ui/form';
import { api, ApiError } from '@/components/api/client';
import { useList, useSubmit } from './use-settings';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function ApiTokensPanel({ publicUrl }: { publicUrl: string }) {
  const tokens = useList<ApiTokenDto>('/api/v1/api-tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<(ApiTokenDto & { token: string }) | null>(null);
  const { busy, error, errors, run, setError } = useSubmit(() => void tokens.reload());

  function create(e: React.FormEvent) {
    e.preventDefault();
    void run(async () => {
      const t = await api<ApiTokenDto & { token: string }>('/api/v1/api-tokens', {
        method: 'POST',
        json: { name, expiresInDays: days.trim() ? Number(days) : null },
      });
      setCreated(t);
      setName('');
      setDays('');
    });
  }

  async function revoke(t: ApiTokenDto) {
    const what = t.kind === 'login' ? `${t.user.name}'s password-login token` : `"${t.name}"`;
    if (!window.confirm(`Revoke ${what}? Whatever uses it stops working at once.`)) return;
    try {
      await api(`/api/v1/api-tokens/${t.id}`, { method: 'DELETE' });
      void tokens.reload();
    } catch (err) {
      setError((err as ApiError).message);
    }
  }

  return (
    <section data-testid="api-tokens-panel" className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold">API tokens</h2>
        <p className="text-sm text-slate-600">
          For integrations: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to <code className="font-mono">{publicUrl}/api/v1/…</code>. A
          token acts as you, with your role.
        </p>
        <p className="mt-1 text-sm text-slate-600">
          The list also shows <em>password-login</em> tokens that people got by signing in to the API with their password; those end when their password
          changes. Integration tokens made here keep working through a password reset until you revoke them.
        </p>
      </div>
      <form onSubmit={create} noValidate className="flex flex-wrap items-start gap-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="api-token-form">
        <Field id="token-name" label="Name" error={errors.name} hint="What uses it, e.g. CRM sync" className="min-w-[14rem] flex-1">
          <input id="token-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} />
        </Field>
        <Field id="token-days" label="Expires after (days)" error={errors.expiresInDays} hint="Empty: never" className="w-44">
          <input id="token-days" type="number" min={1} className={inputClass} value={days} onChange={(e) => setDays(e.target.value)} aria-invalid={!!errors.expiresInDays} />
        </Field>
        <Button type="submit" variant="primary" className="mt-6" disabled={busy} data-testid="api-token-create">
          {busy ? 'Creating…' : 'Create token'}
        </Button>
      </form>
      {error && <Notice tone="error">{error}</Notice>}
      {created && (
        <Notice tone="success" testId="api-token-created">
          <p className="font-medium">Token &quot;{created.name}&quot; created. Copy it now: Parley keeps only a hash and cannot show it again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded border border-emerald-200 bg-white px-2 py-1 font-mono text-xs" data-testid="api-token-value">
              {created.token}
            </code>
            <CopyButton value={created.token} testId="api-token-copy" />
          </div>
        </Notice>
      )}
      {tokens.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : tokens.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white">
          <EmptyState title="No API tokens" testId="api-tokens-empty">
            Create one for each integration, so you can revoke one without breaking the others.
          </EmptyState>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="api-tokens-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-4 py-2">Name</th>
                <th className="px-4 py-2">Kind</th>
                <th className="px-4 py-2">Acts as</th>
                <th className="px-4 py-2">Created</th>
                <th className="px-4 py-2">Last used</th>
                <th className="px-4 py-2">Expires</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tokens.items.map((t) => (
                <tr
                  key={t.id}
                  data-testid={t.kind === 'login' ? `api-token-row-login-${t.user.email}` : `api-token-row-${t.name}`}
                  data-status={t.status}
                  className={t.status === 'active' ? '' : 'text-slate-400'}
                >
                  <td className="max-w-[14rem] truncate px-4 py-2 font-medium" title={t.name}>
                    {t.name}
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">
                    <Badge tone={t.kind === 'login' ? 'blue' : 'violet'}>{t.kind === 'login' ? 'Password login' : 'Integration'}</Badge>
                  </td>
                  <td className="max-w-[12rem] truncate px-4 py-2" title={t.user.email}>
                    {t.user.name}
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">{when(t.createdAt)}</td>
                  <td className="px-4 py-2 whitespace-nowrap">{t.lastUsedAt ? when(t.lastUsedAt) : 'Never'}</td>
                  <td className="px-4 py-2 whitespace-nowrap">{t.expiresAt ? when(t.expiresAt) : 'Never'}</td>
                  <td className="px-4 py-2">
                    <Badge tone={t.status === 'active' ? 'green' : t.status === 'revoked' ? 'red' : 'slate'}>{t.status}</Badge>
                  </td>
                  <td className="px-4 py-2 text-right">
                    {t.status === 'active' && (
                      <Button variant="danger" onClick={() => void revoke(t)} data-testid="api-token-revoke" aria-label={`Revoke ${t.kind === 'login' ? `${t.user.name}'s password-login token` : t.name}`}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
