'use client';

import { useState } from 'react';
import type { RealtimeStatus } from '@/components/realtime/use-realtime';
import { BellIcon, BellOffIcon } from '@/components/ui/icons';
import { isMuted, setMuted } from './notify';
import { PresenceSwitch } from './presence-switch';
import type { WorkspaceQueue } from './types';
import type { Presence } from './use-conversation-list';

/**
 * The top of the inbox's left column: presence, the live-updates light, the agent's queues with
 * their waiting counts, and the notification switches. Rendered only in the browser, once the
 * workspace has loaded, so it can read the mute setting and notification permission at once.
 */
export function InboxSidebarHeader({
  presence,
  onPresenceChange,
  status,
  isAgent,
  queues,
}: {
  presence: Presence;
  onPresenceChange: (p: Presence) => void;
  status: RealtimeStatus;
  isAgent: boolean;
  queues: WorkspaceQueue[];
}) {
  const [muted, setMutedState] = useState(() => isMuted());
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  return (
    <div className="space-y-2 border-b border-slate-200 p-3">
      <div className="flex items-center justify-between">
        <PresenceSwitch presence={presence} onChange={onPresenceChange} />
        <span
          className={`text-[11px] ${status === 'live' ? 'text-emerald-700' : 'text-amber-600'}`}
          data-testid="realtime-status"
          title="Live updates"
        >
          ● {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      </div>
      {presence !== 'available' && isAgent && (
        <p className="rounded-md bg-amber-50 px-2 py-1 text-[11px] text-amber-800" data-testid="presence-hint">
          {presence === 'away' ? 'You are away: you keep your chats but get no new ones.' : 'You are offline: set yourself Available to receive chats.'}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-1.5 text-[11px] text-slate-500">
        {queues.map((q) => (
          <span
            key={q.id}
            data-testid="queue-chip"
            className="flex max-w-[14rem] whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5"
            title={`${q.name}: ${q.routingRule === 'offer_all' ? 'offered to all' : 'assigned to the least busy'}`}
          >
            {/* A long queue name is shortened; the count always shows. */}
            <span className="truncate">{q.name}</span>
            <span>: {q.waiting} waiting</span>
          </span>
        ))}
        <span className="ml-auto flex gap-1">
          <button
            type="button"
            onClick={() => {
              setMuted(!muted);
              setMutedState(!muted);
            }}
            title={muted ? 'Sound and notifications are off' : 'Sound and notifications are on'}
            aria-label={muted ? 'Unmute notifications' : 'Mute notifications'}
            className="rounded p-0.5 text-slate-600 hover:bg-slate-100"
            data-testid="mute"
          >
            {muted ? <BellOffIcon className="h-3.5 w-3.5" /> : <BellIcon className="h-3.5 w-3.5" />}
          </button>
          {permission === 'default' && (
            <button
              type="button"
              onClick={() => void Notification.requestPermission().then(setPermission)}
              className="rounded px-1 text-brand-700 hover:bg-slate-100"
            >
              Enable desktop alerts
            </button>
          )}
        </span>
      </div>
    </div>
  );
}
