'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import type { Customer, Outgoing, SimulatorChannelDto, SimulatorMessageDto } from './api';
import { Bubble } from './bubble';
import { Composer } from './composer';

/** One simulated customer's WhatsApp screen: the chat with the business, as the phone shows it. */
export function Phone({
  channel,
  customer,
  messages,
  error,
  onSend,
}: {
  channel: SimulatorChannelDto;
  customer: Customer;
  messages: SimulatorMessageDto[];
  error: string | null;
  onSend: (out: Outgoing) => Promise<boolean>;
}) {
  const [replyTo, setReplyTo] = useState<SimulatorMessageDto | null>(null);
  const bySid = useMemo(() => new Map(messages.map((m) => [m.sid, m])), [messages]);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length]);

  return (
    <div className="flex h-full w-[380px] flex-col overflow-hidden rounded-[2rem] border-[10px] border-slate-900 bg-[#efeae2] shadow-2xl" data-testid="sim-phone">
      <div className="flex items-center gap-3 bg-[#008069] px-3 py-2 text-white">
        <span className="flex h-9 w-9 items-center justify-center rounded-full bg-white/20 font-semibold">{channel.name.slice(0, 1)}</span>
        <div className="min-w-0">
          <div className="truncate font-medium">{channel.name}</div>
          <div className="truncate text-xs text-white/80">
            {channel.phoneNumber} · you are {customer.profileName} ({customer.phone})
          </div>
        </div>
      </div>
      <div className="flex-1 space-y-1.5 overflow-y-auto px-3 py-3" data-testid="sim-messages">
        {messages.length === 0 && (
          <div className="mx-auto mt-6 max-w-[260px] rounded-lg bg-[#fff5c4] px-3 py-2 text-center text-xs text-slate-700">
            Write to {channel.name} as {customer.profileName}. Your message goes to Parley through the same signed Twilio webhook a real
            customer’s does.
          </div>
        )}
        {messages.map((m) => (
          <Bubble
            key={m.sid}
            m={m}
            quoted={m.replyToSid ? bySid.get(m.replyToSid) : undefined}
            onReply={setReplyTo}
            // WhatsApp reports a quick-reply tap with the template message as its context.
            onTap={(msg, a) => void onSend({ button: { text: a.title, payload: a.id }, replyToSid: msg.sid })}
          />
        ))}
        <div ref={end} />
      </div>
      {error && (
        <div className="bg-red-50 px-3 py-1 text-xs text-red-700" role="alert" data-testid="sim-error">
          {error}
        </div>
      )}
      <Composer
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onSend={async (out) => {
          const ok = await onSend(out);
          if (ok) setReplyTo(null);
          return ok;
        }}
      />
    </div>
  );
}
