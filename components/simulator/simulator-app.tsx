'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  listChannels,
  pollMessages,
  randomCustomer,
  sendAsCustomer,
  sendReceipts,
  type Customer,
  type Outgoing,
  type SimulatorChannelDto,
  type SimulatorMessageDto,
} from './api';
import { Controls } from './controls';
import { Phone } from './phone';

const POLL_MS = 1000;
const storageKey = (channelId: string) => `parley-simulator-tabs:${channelId}`;

function loadTabs(channelId: string): Customer[] {
  try {
    const raw = window.localStorage.getItem(storageKey(channelId));
    return raw ? (JSON.parse(raw) as Customer[]) : [];
  } catch {
    return [];
  }
}

/** The simulator: several simulated customers' phones on one simulator channel, refreshed every second. */
export function SimulatorApp({ channels: initial }: { channels: SimulatorChannelDto[] }) {
  const [channels, setChannels] = useState(initial);
  const [channelId, setChannelId] = useState(initial[0]?.id ?? '');
  // Client-only component (see simulator-loader.tsx): tabs come back from localStorage, per channel.
  const [tabs, setTabs] = useState<Customer[]>(() => (channelId ? loadTabs(channelId) : []));
  const [active, setActive] = useState<string | null>(() => tabs[0]?.phone ?? null);
  const [messages, setMessages] = useState<Map<string, SimulatorMessageDto>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const channel = channels.find((c) => c.id === channelId);

  const selectChannel = (id: string) => {
    const saved = loadTabs(id);
    setChannelId(id);
    setTabs(saved);
    setActive(saved[0]?.phone ?? null);
    setMessages(new Map());
    setError(null);
  };
  useEffect(() => {
    if (channelId) window.localStorage.setItem(storageKey(channelId), JSON.stringify(tabs));
  }, [channelId, tabs]);

  const state = useRef({ channelId, tabs, active, since: undefined as string | undefined, receipted: new Set<string>(), polling: false });
  useEffect(() => {
    Object.assign(state.current, { channelId, tabs, active });
  }, [channelId, tabs, active]);

  const merge = useCallback((items: SimulatorMessageDto[]) => {
    if (!items.length) return;
    setMessages((prev) => {
      const next = new Map(prev);
      for (const m of items) {
        const old = next.get(m.sid);
        if (!old || old.updatedAt <= m.updatedAt) next.set(m.sid, m);
      }
      return next;
    });
  }, []);

  const poll = useCallback(async () => {
    const s = state.current;
    // One poll at a time: a slow server must not pile requests up.
    if (!s.channelId || !s.tabs.length || s.polling) return;
    s.polling = true;
    try {
      const res = await pollMessages(s.channelId, s.tabs.map((t) => t.phone), s.since);
      if (s.channelId !== state.current.channelId) return;
      // Overlap a few seconds: a row committed late carries an earlier updated_at.
      s.since = new Date(new Date(res.now).getTime() - 5000).toISOString();
      merge(res.items);
      // The phone got them (delivered); the open chat on a visible screen shows them (read).
      const visible = document.visibilityState === 'visible';
      const toRead: string[] = [];
      const toDeliver: string[] = [];
      for (const m of res.items) {
        if (m.direction !== 'to_customer' || (m.status !== 'sent' && m.status !== 'delivered')) continue;
        if (visible && m.customerPhone === s.active) {
          if (!s.receipted.has(`read:${m.sid}`)) toRead.push(m.sid);
        } else if (m.status === 'sent' && !s.receipted.has(`delivered:${m.sid}`)) toDeliver.push(m.sid);
      }
      toRead.forEach((sid) => s.receipted.add(`read:${sid}`));
      toDeliver.forEach((sid) => s.receipted.add(`delivered:${sid}`));
      if (toDeliver.length) await sendReceipts(s.channelId, toDeliver, 'delivered');
      if (toRead.length) await sendReceipts(s.channelId, toRead, 'read');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      s.polling = false;
    }
  }, [merge]);

  useEffect(() => {
    state.current.since = undefined;
    state.current.receipted.clear();
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    const refreshChannels = window.setInterval(() => {
      listChannels()
        .then((r) => setChannels(r.items))
        .catch(() => undefined);
    }, 3000);
    return () => {
      window.clearInterval(timer);
      window.clearInterval(refreshChannels);
    };
  }, [poll, channelId, tabs.length]);

  // Switching to a tab reads what it shows: poll again from the start.
  useEffect(() => {
    state.current.since = undefined;
    void poll();
  }, [active, poll]);

  const openCustomer = (c: Customer) => {
    setTabs((t) => (t.some((x) => x.phone === c.phone) ? t : [...t, c]));
    setActive(c.phone);
    setError(null);
  };
  const closeTab = (phone: string) => {
    setTabs((t) => t.filter((x) => x.phone !== phone));
    if (active === phone) setActive(tabs.find((x) => x.phone !== phone)?.phone ?? null);
  };

  const send = async (customer: Customer, out: Outgoing) => {
    try {
      const m = await sendAsCustomer(channelId, customer, out);
      merge([m]);
      setError(m.status === 'rejected' ? `Parley's webhook did not accept the message (HTTP ${m.webhookStatus ?? 'no answer'}).` : null);
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    }
  };

  const byCustomer = useMemo(() => {
    const map = new Map<string, SimulatorMessageDto[]>();
    for (const m of [...messages.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const list = map.get(m.customerPhone) ?? [];
      list.push(m);
      map.set(m.customerPhone, list);
    }
    return map;
  }, [messages]);

  if (!channel) {
    return (
      <div className="flex flex-1 items-center justify-center p-10 text-center text-slate-600" data-testid="sim-no-channel">
        No simulator channel yet. An admin can create one in Settings → Channels (provider “Simulator”).
      </div>
    );
  }
  const current = tabs.find((t) => t.phone === active) ?? null;

  return (
    <div className="flex min-h-0 flex-1 gap-6 p-6">
      <Controls
        key={channel.id}
        channels={channels}
        channel={channel}
        onChannel={selectChannel}
        onChannelsChanged={setChannels}
        onOpenCustomer={openCustomer}
        suggest={() => randomCustomer(channel.defaultCountry)}
      />
      <section className="flex min-w-0 flex-1 flex-col">
        <div className="mb-3 flex flex-wrap gap-2" role="tablist" aria-label="Simulated customers">
          {tabs.map((t) => {
            const unread = (byCustomer.get(t.phone) ?? []).filter((m) => m.direction === 'to_customer' && m.status !== 'read' && m.status !== 'failed').length;
            return (
              <div
                key={t.phone}
                className={`flex items-center gap-2 rounded-full border px-3 py-1 text-sm ${t.phone === active ? 'border-emerald-600 bg-emerald-50 text-emerald-900' : 'border-slate-300 bg-white text-slate-700'}`}
              >
                <button type="button" role="tab" aria-selected={t.phone === active} onClick={() => setActive(t.phone)} data-testid="sim-tab" data-phone={t.phone}>
                  {t.profileName} <span className="text-xs text-slate-500">{t.phone}</span>
                </button>
                {unread > 0 && t.phone !== active && (
                  <span className="rounded-full bg-emerald-600 px-1.5 text-xs font-semibold text-white" data-testid="sim-tab-unread">
                    {unread}
                  </span>
                )}
                <button type="button" onClick={() => closeTab(t.phone)} className="text-slate-400 hover:text-slate-700" aria-label={`Close ${t.profileName}`}>
                  ✕
                </button>
              </div>
            );
          })}
        </div>
        <div className="flex min-h-0 flex-1 justify-center">
          {current ? (
            <Phone
              key={`${channel.id}:${current.phone}`}
              channel={channel}
              customer={current}
              messages={byCustomer.get(current.phone) ?? []}
              error={error}
              onSend={(out) => send(current, out)}
            />
          ) : (
            <div className="self-center text-center text-sm text-slate-500" data-testid="sim-empty">
              Open a customer on the left to start a chat. Open several to see queues fill and routing at work.
            </div>
          )}
        </div>
      </section>
    </div>
  );
}
