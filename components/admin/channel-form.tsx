'use client';

import { useState } from 'react';
import type { ChannelDto } from '@/lib/admin/channels';
import type { CredentialCheck } from '@/lib/admin/channel-check';
import type { QueueDto } from '@/lib/admin/queues';
import { CopyButton } from '@/components/ui/copy-button';
import { Button, Field, Notice, inputClass } from '@/components/ui/form';
import { api, ApiError } from '@/components/api/client';
import { LANGUAGE_NAMES } from './languages';

type Values = {
  name: string;
  provider: 'twilio' | 'simulator';
  phoneNumber: string;
  accountSid: string;
  authToken: string;
  queueId: string;
  language: string;
  defaultCountry: string;
  environment: 'sandbox' | 'production';
  retentionDays: string;
};

function initial(c: ChannelDto | null, queues: QueueDto[]): Values {
  return {
    name: c?.name ?? '',
    provider: c?.provider === 'simulator' ? 'simulator' : 'twilio',
    phoneNumber: c?.phoneNumber ?? '',
    accountSid: c?.accountSid ?? '',
    authToken: '',
    queueId: c?.queueId ?? queues[0]?.id ?? '',
    language: c?.language ?? 'en',
    defaultCountry: c?.defaultCountry ?? 'US',
    environment: c?.environment ?? 'production',
    retentionDays: c?.retentionDays ? String(c.retentionDays) : '',
  };
}

export function ChannelForm({
  channel,
  queues,
  simulatorEnabled,
  onSaved,
  onDeleted,
}: {
  channel: ChannelDto | null;
  queues: QueueDto[];
  simulatorEnabled: boolean;
  onSaved: (c: ChannelDto) => void;
  onDeleted: () => void;
}) {
  const [v, setV] = useState<Values>(() => initial(channel, queues));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [check, setCheck] = useState<CredentialCheck | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const set = <K extends keyof Values>(k: K, value: Values[K]) => setV((old) => ({ ...old, [k]: value }));
  const isSim = v.provider === 'simulator';

  async function run<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    setBusy(what);
    setMessage(null);
    try {
      return await fn();
    } catch (e) {
      const err = e as ApiError;
      setErrors(err.fields ?? {});
      setMessage({ tone: 'error', text: err.message });
      return undefined;
    } finally {
      setBusy(null);
    }
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body = {
      name: v.name,
      phoneNumber: v.phoneNumber,
      queueId: v.queueId,
      language: v.language,
      defaultCountry: v.defaultCountry,
      environment: v.environment,
      retentionDays: v.retentionDays.trim() ? Number(v.retentionDays) : null,
      ...(isSim ? {} : { accountSid: v.accountSid }),
      ...(v.authToken ? { authToken: v.authToken } : {}),
    };
    const saved = await run('save', () =>
      channel
        ? api<ChannelDto>(`/api/v1/channels/${channel.id}`, { method: 'PATCH', json: body })
        : api<ChannelDto>('/api/v1/channels', { method: 'POST', json: { ...body, provider: v.provider } }),
    );
    if (saved) {
      setErrors({});
      setV((old) => ({ ...old, authToken: '' }));
      setMessage({ tone: 'success', text: channel ? 'Saved.' : 'Channel created. Now paste its webhook URLs into Twilio (below).' });
      onSaved(saved);
    }
  }

  async function checkCredentials() {
    if (!channel) return;
    const overrides = { ...(v.accountSid && v.accountSid !== channel.accountSid ? { accountSid: v.accountSid } : {}), ...(v.authToken ? { authToken: v.authToken } : {}) };
    const result = await run('check', () => api<CredentialCheck>(`/api/v1/channels/${channel.id}/check`, { method: 'POST', json: overrides }));
    if (result) setCheck(result);
  }

  async function setActive(active: boolean) {
    if (!channel) return;
    const saved = await run('active', () => api<ChannelDto>(`/api/v1/channels/${channel.id}`, { method: 'PATCH', json: { active } }));
    if (saved) {
      setMessage({ tone: 'success', text: active ? 'Channel reactivated.' : 'Channel deactivated: Parley ignores its webhooks until you reactivate it.' });
      onSaved(saved);
    }
  }

  async function remove() {
    if (!channel || !window.confirm(`Delete the channel "${channel.name}"?`)) return;
    const ok = await run('delete', () => api<void>(`/api/v1/channels/${channel.id}`, { method: 'DELETE' }).then(() => true));
    if (ok) onDeleted();
  }

  return (
    <form onSubmit={save} noValidate className="space-y-4" data-testid="channel-form">
      {message && (
        <Notice tone={message.tone} testId="channel-form-message">
          {message.text}
        </Notice>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="channel-name" label="Name" error={errors.name}>
          <input id="channel-name" className={inputClass} value={v.name} onChange={(e) => set('name', e.target.value)} aria-invalid={!!errors.name} placeholder="Support (US)" />
        </Field>
        {!channel && simulatorEnabled ? (
          <Field id="channel-provider" label="Provider" error={errors.provider}>
            <select id="channel-provider" className={inputClass} value={v.provider} onChange={(e) => set('provider', e.target.value as Values['provider'])}>
              <option value="twilio">Twilio</option>
              <option value="simulator">Simulator (no Twilio account)</option>
            </select>
          </Field>
        ) : (
          <Field id="channel-provider" label="Provider">
            <p className="py-2 text-sm" id="channel-provider">
              {isSim ? 'Simulator: Parley plays Twilio and the customer' : 'Twilio'}
            </p>
          </Field>
        )}
        <Field id="channel-phone" label="WhatsApp number" error={errors.phoneNumber} hint="E.164: + country code and number, like +14155550100">
          <input id="channel-phone" className={`${inputClass} font-mono`} value={v.phoneNumber} onChange={(e) => set('phoneNumber', e.target.value)} aria-invalid={!!errors.phoneNumber} placeholder="+14155550100" />
        </Field>
        <Field id="channel-queue" label="Queue" error={errors.queueId} hint="New chats from this number go to this queue.">
          <select id="channel-queue" className={inputClass} value={v.queueId} onChange={(e) => set('queueId', e.target.value)} aria-invalid={!!errors.queueId}>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </Field>
        {!isSim && (
          <>
            <Field id="channel-sid" label="Account SID" error={errors.accountSid} hint="Twilio Console → Account info. Starts with AC.">
              <input id="channel-sid" className={`${inputClass} font-mono`} value={v.accountSid} onChange={(e) => set('accountSid', e.target.value)} aria-invalid={!!errors.accountSid} placeholder="AC…" autoComplete="off" />
            </Field>
            <Field
              id="channel-token"
              label="Auth token"
              error={errors.authToken}
              hint={channel?.authTokenSet ? 'Set. Leave empty to keep it; type a new one to replace it.' : 'Twilio Console → Account info. Stored encrypted, never shown again.'}
            >
              <input
                id="channel-token"
                type="password"
                className={`${inputClass} font-mono`}
                value={v.authToken}
                onChange={(e) => set('authToken', e.target.value)}
                aria-invalid={!!errors.authToken}
                placeholder={channel?.authTokenSet ? '•••••••• (set)' : ''}
                autoComplete="new-password"
                data-testid="channel-token"
              />
            </Field>
          </>
        )}
        <Field id="channel-language" label="Language" error={errors.language} hint="Used when the contact's language is unknown.">
          <select id="channel-language" className={inputClass} value={v.language} onChange={(e) => set('language', e.target.value)}>
            {Object.entries(LANGUAGE_NAMES).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="channel-country" label="Default country" error={errors.defaultCountry} hint="For numbers written without a + prefix, e.g. US, ES.">
          <input id="channel-country" className={`${inputClass} uppercase`} maxLength={2} value={v.defaultCountry} onChange={(e) => set('defaultCountry', e.target.value)} aria-invalid={!!errors.defaultCountry} />
        </Field>
        <Field id="channel-environment" label="Environment" error={errors.environment} hint={v.environment === 'sandbox' ? 'Twilio sandbox: at most one message every 3 seconds.' : undefined}>
          <select id="channel-environment" className={inputClass} value={v.environment} onChange={(e) => set('environment', e.target.value as Values['environment'])}>
            <option value="production">Production (approved WhatsApp sender)</option>
            <option value="sandbox">Sandbox (Twilio&apos;s test number)</option>
          </select>
        </Field>
        <Field
          id="channel-retention"
          label="Keep messages for (days)"
          error={errors.retentionDays}
          hint="Empty: forever. A daily job removes older messages and media of closed chats; reports keep their numbers."
        >
          <input
            id="channel-retention"
            type="number"
            min={1}
            inputMode="numeric"
            className={inputClass}
            value={v.retentionDays}
            onChange={(e) => set('retentionDays', e.target.value)}
            aria-invalid={!!errors.retentionDays}
            data-testid="channel-retention"
          />
        </Field>
      </div>

      <div className="flex flex-wrap items-center gap-2 border-t border-slate-200 pt-4">
        <Button type="submit" variant="primary" disabled={!!busy} data-testid="channel-save">
          {busy === 'save' ? 'Saving…' : channel ? 'Save changes' : 'Create channel'}
        </Button>
        {channel && (
          <>
            <Button onClick={() => void checkCredentials()} disabled={!!busy} data-testid="channel-check">
              {busy === 'check' ? 'Checking…' : 'Check credentials'}
            </Button>
            <Button onClick={() => void setActive(!channel.active)} disabled={!!busy} data-testid="channel-toggle-active">
              {channel.active ? 'Deactivate' : 'Reactivate'}
            </Button>
            <Button variant="danger" className="ml-auto" onClick={() => void remove()} disabled={!!busy || channel.conversationCount > 0} data-testid="channel-delete" title={channel.conversationCount > 0 ? 'A channel with conversations can only be deactivated' : undefined}>
              Delete
            </Button>
          </>
        )}
      </div>
      {channel && channel.conversationCount > 0 && (
        <p className="text-xs text-slate-500">
          This channel has {channel.conversationCount} conversation{channel.conversationCount === 1 ? '' : 's'}, so it cannot be deleted (their history would be lost). Deactivate it instead.
        </p>
      )}
      {check && (
        <Notice tone={check.ok ? 'success' : 'error'} testId="channel-check-result">
          {check.message}
        </Notice>
      )}

      {channel && <WebhookUrls channel={channel} />}
    </form>
  );
}

function WebhookUrls({ channel }: { channel: ChannelDto }) {
  const rows = [
    { label: 'When a message comes in', value: channel.webhookUrl, testId: 'copy-webhook-url' },
    { label: 'Status callback URL', value: channel.statusCallbackUrl, testId: 'copy-status-url' },
  ];
  return (
    <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" data-testid="webhook-urls">
      <h3 className="text-sm font-semibold text-slate-800">Webhook URLs</h3>
      {rows.map((r) => (
        <div key={r.label}>
          <div className="text-xs font-medium text-slate-600">{r.label}</div>
          <div className="mt-1 flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded border border-slate-200 bg-white px-2 py-1 font-mono text-xs" title={r.value}>
              {r.value}
            </code>
            <CopyButton value={r.value} testId={r.testId} />
          </div>
        </div>
      ))}
      {channel.simulator ? (
        <p className="text-xs text-slate-600">Simulator channel: nothing to paste anywhere; the simulator posts to these URLs itself.</p>
      ) : (
        <div className="text-xs text-slate-600">
          <p className="font-medium">Where to paste them in Twilio&apos;s console:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            <li>
              Production sender: <em>Messaging → Senders → WhatsApp senders</em> → your number → <em>Webhook URL for incoming messages</em> and{' '}
              <em>Status callback URL</em> (method POST).
            </li>
            <li>
              Sandbox: <em>Messaging → Try it out → Send a WhatsApp message → Sandbox settings</em> → <em>When a message comes in</em> and{' '}
              <em>Status callback URL</em> (method POST).
            </li>
            <li>If the number belongs to a Messaging Service, paste them in the service&apos;s <em>Integration</em> page instead.</li>
          </ul>
        </div>
      )}
    </div>
  );
}
