'use client';

import { useState } from 'react';
import type { ChannelDto } from '@/lib/admin/channels';
import type { TemplateDto } from '@/lib/admin/templates';
import type { ImportResult } from '@/lib/admin/template-import';
import { EmptyState } from '@/components/ui/app-shell';
import { Badge, Button, Field, Notice, inputClass } from '@/components/ui/form';
import { Modal } from '@/components/ui/modal';
import { formatPlaceholders, templateVariables } from '@/lib/templates/placeholders';
import { api, ApiError } from '@/components/api/client';
import { useList, useSubmit } from './use-settings';
import { LANGUAGE_NAMES } from './languages';

const STATUS_TONE = { approved: 'green', pending: 'amber', rejected: 'red', paused: 'amber', disabled: 'slate', unsubmitted: 'slate' } as const;
const STATUSES = Object.keys(STATUS_TONE) as TemplateDto['status'][];

export function TemplatesPanel() {
  const templates = useList<TemplateDto>('/api/v1/templates');
  const channels = useList<ChannelDto>('/api/v1/channels');
  const [channelId, setChannelId] = useState('');
  const [importing, setImporting] = useState(false);
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [editing, setEditing] = useState<TemplateDto | 'new' | null>(null);
  const channelName = new Map((channels.items ?? []).map((c) => [c.id, c.name]));
  const selected = channelId || channels.items?.find((c) => !c.simulator)?.id || channels.items?.[0]?.id || '';

  async function importNow() {
    setImporting(true);
    setResult(null);
    try {
      const r = await api<ImportResult>('/api/v1/templates/import', { method: 'POST', json: { channelId: selected } });
      setResult({ tone: 'success', text: `Imported from Twilio: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged.` });
      void templates.reload();
    } catch (err) {
      setResult({ tone: 'error', text: (err as ApiError).message });
    } finally {
      setImporting(false);
    }
  }

  return (
    <section data-testid="templates-panel" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">WhatsApp templates</h2>
          <p className="text-sm text-slate-600">Approved templates can be sent at any time, also after the 24-hour window. Agents only see approved ones.</p>
        </div>
        <Button onClick={() => setEditing('new')} data-testid="template-new">
          Register by ContentSid
        </Button>
      </div>
      <div className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-4">
        <Field id="import-channel" label="Import from Twilio's Content API for channel" className="min-w-[16rem] flex-1">
          <select id="import-channel" className={inputClass} value={selected} onChange={(e) => setChannelId(e.target.value)} disabled={!channels.items?.length}>
            {(channels.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.phoneNumber})
              </option>
            ))}
          </select>
        </Field>
        <Button variant="primary" onClick={() => void importNow()} disabled={!selected || importing} data-testid="template-import">
          {importing ? 'Importing…' : 'Import templates'}
        </Button>
        {channels.items?.length === 0 && <p className="w-full text-sm text-slate-500">Add a Twilio channel first: templates are read with its credentials.</p>}
      </div>
      {result && (
        <Notice tone={result.tone} testId="template-import-result">
          {result.text}
        </Notice>
      )}
      {templates.error && <Notice tone="error">{templates.error}</Notice>}
      {templates.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : templates.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white">
          <EmptyState title="No templates yet" testId="templates-empty">
            Import the templates you created in Twilio&apos;s Content Template Builder, or register one by its ContentSid (HX…).
          </EmptyState>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="templates-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-4 py-2">Name</th>
                <th className="px-4 py-2">Language</th>
                <th className="px-4 py-2">Category</th>
                <th className="px-4 py-2">Body</th>
                <th className="px-4 py-2">Channel</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {templates.items.map((t) => (
                <tr key={t.id} data-testid={`template-row-${t.contentSid}`}>
                  <td className="max-w-[14rem] px-4 py-2">
                    <div className="truncate font-medium" title={t.name}>
                      {t.name}
                    </div>
                    <div className="truncate font-mono text-xs text-slate-500">{t.contentSid}</div>
                  </td>
                  <td className="px-4 py-2">{t.language}</td>
                  <td className="px-4 py-2 capitalize">{t.category ?? '—'}</td>
                  <td className="max-w-[22rem] px-4 py-2">
                    <p className="line-clamp-2 break-words text-slate-700" title={t.body}>
                      {t.body || '—'}
                    </p>
                  </td>
                  <td className="max-w-[10rem] truncate px-4 py-2">{t.channelId ? (channelName.get(t.channelId) ?? '—') : 'All channels'}</td>
                  <td className="px-4 py-2">
                    <Badge tone={STATUS_TONE[t.status]} testId="template-status">
                      {t.status}
                    </Badge>
                  </td>
                  <td className="px-4 py-2 text-right">
                    <Button onClick={() => setEditing(t)}>Edit</Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Register a template' : `Template: ${editing.name}`} onClose={() => setEditing(null)} testId="template-dialog">
          <TemplateForm
            template={editing === 'new' ? null : editing}
            channels={channels.items ?? []}
            onDone={() => {
              void templates.reload();
              setEditing(null);
            }}
          />
        </Modal>
      )}
    </section>
  );
}

function TemplateForm({ template, channels, onDone }: { template: TemplateDto | null; channels: ChannelDto[]; onDone: () => void }) {
  const [v, setV] = useState({
    contentSid: template?.contentSid ?? '',
    name: template?.name ?? '',
    language: template?.language ?? 'en',
    category: template?.category ?? 'utility',
    body: template?.body ?? '',
    status: template?.status ?? ('approved' as TemplateDto['status']),
    channelId: template?.channelId ?? '',
  });
  const { busy, running, error, errors, run } = useSubmit(onDone);
  const placeholders = templateVariables(v.body);

  function save(e: React.FormEvent) {
    e.preventDefault();
    const variables = Object.fromEntries(placeholders.map((p) => [p, template?.variables[p] ?? `value ${p}`]));
    const json = { ...v, category: v.category || null, channelId: v.channelId || null, variables };
    void run(() => (template ? api(`/api/v1/templates/${template.id}`, { method: 'PATCH', json }) : api('/api/v1/templates', { method: 'POST', json })));
  }

  return (
    <form onSubmit={save} noValidate className="space-y-4" data-testid="template-form">
      {error && <Notice tone="error">{error}</Notice>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="tpl-sid" label="ContentSid" error={errors.contentSid} hint="From Twilio's Content Template Builder, starts with HX.">
          <input id="tpl-sid" className={`${inputClass} font-mono`} value={v.contentSid} onChange={(e) => setV({ ...v, contentSid: e.target.value })} aria-invalid={!!errors.contentSid} placeholder="HX…" />
        </Field>
        <Field id="tpl-name" label="Name" error={errors.name}>
          <input id="tpl-name" className={inputClass} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} aria-invalid={!!errors.name} />
        </Field>
        <Field id="tpl-language" label="Language" error={errors.language}>
          <select id="tpl-language" className={inputClass} value={v.language} onChange={(e) => setV({ ...v, language: e.target.value })}>
            {Object.entries(LANGUAGE_NAMES).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="tpl-category" label="Category" error={errors.category}>
          <select id="tpl-category" className={inputClass} value={v.category} onChange={(e) => setV({ ...v, category: e.target.value })}>
            <option value="utility">Utility</option>
            <option value="marketing">Marketing</option>
            <option value="authentication">Authentication</option>
          </select>
        </Field>
        <Field id="tpl-status" label="Approval status" error={errors.status} hint="Only approved templates are offered to agents.">
          <select id="tpl-status" className={inputClass} value={v.status} onChange={(e) => setV({ ...v, status: e.target.value as TemplateDto['status'] })}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field id="tpl-channel" label="Channel" error={errors.channelId}>
          <select id="tpl-channel" className={inputClass} value={v.channelId} onChange={(e) => setV({ ...v, channelId: e.target.value })}>
            <option value="">All channels</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="tpl-body" label="Body" error={errors.body} hint={placeholders.length ? `Variables: ${formatPlaceholders(placeholders)}` : 'Use {{1}}, {{2}}… where the agent fills in values.'}>
        <textarea id="tpl-body" rows={4} className={inputClass} value={v.body} onChange={(e) => setV({ ...v, body: e.target.value })} aria-invalid={!!errors.body} />
      </Field>
      <div className="flex items-center gap-2 border-t border-slate-200 pt-4">
        <Button type="submit" variant="primary" disabled={busy} data-testid="template-save">
          {running === 'save' ? 'Saving…' : template ? 'Save changes' : 'Register template'}
        </Button>
        {template && (
          <Button variant="danger" className="ml-auto" disabled={busy} onClick={() => window.confirm(`Delete ${template.name}?`) && void run(() => api(`/api/v1/templates/${template.id}`, { method: 'DELETE' }), 'delete')}>
            {running === 'delete' ? 'Deleting…' : 'Delete'}
          </Button>
        )}
      </div>
    </form>
  );
}
