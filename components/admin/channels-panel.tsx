'use client';

import { useState } from 'react';
import type { ChannelDto } from '@/lib/admin/channels';
import type { QueueDto } from '@/lib/admin/queues';
import { EmptyState } from '@/components/ui/app-shell';
import { Badge, Button, Notice } from '@/components/ui/form';
import { Modal } from '@/components/ui/modal';
import { useList } from './use-settings';
import { languageName } from './languages';
import { ChannelForm } from './channel-form';

export function ChannelsPanel({
  publicUrl,
  publicUrlUnreachable,
  simulatorEnabled,
}: {
  publicUrl: string;
  publicUrlUnreachable: boolean;
  simulatorEnabled: boolean;
}) {
  const channels = useList<ChannelDto>('/api/v1/channels');
  const queues = useList<QueueDto>('/api/v1/queues');
  const [editing, setEditing] = useState<ChannelDto | 'new' | null>(null);

  return (
    <section data-testid="channels-panel" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">Channels</h2>
          <p className="text-sm text-slate-600">WhatsApp numbers Parley answers, and the queue each one feeds.</p>
        </div>
        <Button variant="primary" onClick={() => setEditing('new')} data-testid="channel-new" disabled={queues.items?.length === 0}>
          Add channel
        </Button>
      </div>

      {publicUrlUnreachable && (
        <Notice tone="warning" testId="public-url-warning">
          <strong>Twilio cannot reach this server.</strong> PUBLIC_URL is <code className="font-mono">{publicUrl}</code>, a local address: Twilio&apos;s
          webhooks will not arrive. Set PUBLIC_URL to the public https address of this Parley (for a test, a tunnel such as ngrok) and restart.
          Simulator channels work without it.
        </Notice>
      )}
      <Notice tone="info" testId="one-parley-note">
        Connect each WhatsApp number to <strong>one Parley only</strong>. Twilio sends a number&apos;s messages to a single webhook URL: pointing
        the number at another installation silently moves its conversations there.
      </Notice>
      {queues.items?.length === 0 && <Notice tone="warning">Create a queue first: every channel feeds a queue.</Notice>}
      {channels.error && <Notice tone="error">{channels.error}</Notice>}

      {channels.items === null ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : channels.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white">
          <EmptyState title="No channels yet" testId="channels-empty">
            Add your Twilio WhatsApp number (or a sandbox number) to start receiving chats.
            {simulatorEnabled && ' Or add a simulator channel to try Parley without a Twilio account.'}
          </EmptyState>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="channels-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-4 py-2">Name</th>
                <th className="px-4 py-2">Number</th>
                <th className="px-4 py-2">Queue</th>
                <th className="px-4 py-2">Language</th>
                <th className="px-4 py-2">Environment</th>
                <th className="px-4 py-2 text-right">Messages 24 h</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {channels.items.map((c) => (
                <tr key={c.id} data-testid={`channel-row-${c.id}`} className={c.active ? '' : 'text-slate-400'}>
                  <td className="max-w-[16rem] px-4 py-2">
                    <div className="truncate font-medium" title={c.name}>
                      {c.name}
                    </div>
                    <div className="mt-0.5">{c.simulator ? <Badge tone="violet">Simulator</Badge> : <Badge tone="blue">Twilio</Badge>}</div>
                  </td>
                  <td className="px-4 py-2 font-mono whitespace-nowrap">{c.phoneNumber}</td>
                  <td className="max-w-[12rem] truncate px-4 py-2" title={c.queueName ?? ''}>
                    {c.queueName}
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">{languageName(c.language)}</td>
                  <td className="px-4 py-2">
                    <Badge tone={c.environment === 'sandbox' ? 'amber' : 'slate'}>{c.environment}</Badge>
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{c.messagesLast24h}</td>
                  <td className="px-4 py-2">{c.active ? <Badge tone="green">Active</Badge> : <Badge>Inactive</Badge>}</td>
                  <td className="px-4 py-2 text-right">
                    <Button onClick={() => setEditing(c)} data-testid="channel-edit">
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
        <Modal title={editing === 'new' ? 'Add channel' : `Channel: ${editing.name}`} onClose={() => setEditing(null)} testId="channel-dialog" wide>
          <ChannelForm
            channel={editing === 'new' ? null : editing}
            queues={queues.items ?? []}
            simulatorEnabled={simulatorEnabled}
            onSaved={(c) => {
              void channels.reload();
              setEditing(c);
            }}
            onDeleted={() => {
              void channels.reload();
              setEditing(null);
            }}
          />
        </Modal>
      )}
    </section>
  );
}
