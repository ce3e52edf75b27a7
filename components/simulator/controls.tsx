'use client';

import { useEffect, useState } from 'react';
import { listChannels, listCustomers, setFailNext, type Customer, type SimulatorChannelDto } from './api';

const ERROR_CODES = [
  { code: '63024', label: '63024 · not on WhatsApp' },
  { code: '63016', label: '63016 · 24-hour window closed' },
  { code: '63003', label: '63003 · number unreachable' },
  { code: '63014', label: '63014 · customer blocked you' },
  { code: '63018', label: '63018 · rate limit' },
  { code: '30008', label: '30008 · unknown error' },
];

export function Controls({
  channels,
  channel,
  onChannel,
  onChannelsChanged,
  onOpenCustomer,
  suggest,
}: {
  channels: SimulatorChannelDto[];
  channel: SimulatorChannelDto;
  onChannel: (id: string) => void;
  onChannelsChanged: (c: SimulatorChannelDto[]) => void;
  onOpenCustomer: (c: Customer) => void;
  suggest: () => Customer;
}) {
  const [draft, setDraft] = useState<Customer>(suggest);
  const [code, setCode] = useState('63024');
  const [recent, setRecent] = useState<{ phone: string; profileName: string | null }[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    listCustomers(channel.id)
      .then((r) => setRecent(r.items))
      .catch(() => setRecent([]));
  }, [channel.id]);

  const arm = async (errorCode: string | null) => {
    try {
      await setFailNext(channel.id, errorCode);
      onChannelsChanged((await listChannels()).items);
      setProblem(null);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  return (
    <aside className="w-80 shrink-0 space-y-5 overflow-y-auto">
      <div>
        <h1 className="text-lg font-semibold">Customer simulator</h1>
        <p className="text-xs text-slate-500">
          Plays WhatsApp and Twilio for simulator channels: messages go through Parley’s real webhook, signatures and Twilio SDK.
        </p>
      </div>

      <label className="block text-sm">
        <span className="font-medium">Channel</span>
        <select className="mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5" value={channel.id} onChange={(e) => onChannel(e.target.value)} data-testid="sim-channel">
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} · {c.phoneNumber} (simulator)
            </option>
          ))}
        </select>
      </label>

      <form
        className="space-y-2 rounded-lg border border-slate-200 bg-white p-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.phone.trim()) return;
          onOpenCustomer({ phone: draft.phone.trim(), profileName: draft.profileName.trim() || draft.phone.trim() });
          setDraft(suggest());
        }}
      >
        <div className="text-sm font-medium">New customer</div>
        <input className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm" value={draft.phone} onChange={(e) => setDraft({ ...draft, phone: e.target.value })} placeholder="+15551234567" aria-label="Customer phone number" data-testid="sim-customer-phone" />
        <input className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm" value={draft.profileName} onChange={(e) => setDraft({ ...draft, profileName: e.target.value })} placeholder="WhatsApp profile name" aria-label="Customer profile name" data-testid="sim-customer-name" />
        <div className="flex gap-2">
          <button type="submit" className="flex-1 rounded-md bg-emerald-600 py-1.5 text-sm font-medium text-white hover:bg-emerald-700" data-testid="sim-open-customer">
            Open chat
          </button>
          <button type="button" className="rounded-md border border-slate-300 px-2 text-sm" onClick={() => setDraft(suggest())} title="Another random customer">
            Random
          </button>
        </div>
      </form>

      {recent.length > 0 && (
        <div className="space-y-1">
          <div className="text-sm font-medium">Earlier customers</div>
          <ul className="max-h-40 overflow-y-auto rounded-lg border border-slate-200 bg-white text-sm">
            {recent.map((c) => (
              <li key={c.phone}>
                <button type="button" className="w-full px-3 py-1.5 text-left hover:bg-slate-50" onClick={() => onOpenCustomer({ phone: c.phone, profileName: c.profileName ?? c.phone })}>
                  {c.profileName ?? 'Unnamed'} <span className="text-xs text-slate-500">{c.phone}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 p-3" data-testid="sim-failure">
        <div className="text-sm font-medium">Make the next send fail</div>
        <p className="text-xs text-slate-600">The next message Parley sends on this channel gets a “failed” status callback with this Twilio error.</p>
        {channel.failNextErrorCode ? (
          <div className="flex items-center gap-2 text-sm">
            <span className="flex-1 font-medium text-amber-800" data-testid="sim-failure-armed">
              Armed: next send fails with {channel.failNextErrorCode}
            </span>
            <button type="button" className="rounded-md border border-amber-300 bg-white px-2 py-1" onClick={() => void arm(null)} data-testid="sim-failure-disarm">
              Cancel
            </button>
          </div>
        ) : (
          <div className="flex gap-2">
            <select className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" value={code} onChange={(e) => setCode(e.target.value)} aria-label="Twilio error code" data-testid="sim-failure-code">
              {ERROR_CODES.map((e) => (
                <option key={e.code} value={e.code}>
                  {e.label}
                </option>
              ))}
            </select>
            <button type="button" className="rounded-md bg-amber-600 px-3 py-1 text-sm font-medium text-white" onClick={() => void arm(code)} data-testid="sim-failure-arm">
              Arm
            </button>
          </div>
        )}
        {problem && <p className="text-xs text-red-700">{problem}</p>}
      </div>
    </aside>
  );
}
