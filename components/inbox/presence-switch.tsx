'use client';

import { useState } from 'react';
import { api } from '@/components/api/client';

type Presence = 'available' | 'away' | 'offline';

export function PresenceSwitch({ presence, onChange }: { presence: Presence; onChange: (p: Presence) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = async (p: Presence) => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/me/presence', { method: 'PUT', json: { presence: p } });
      onChange(p);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const option = (p: Presence, label: string, dot: string) => (
    <button
      type="button"
      disabled={busy}
      onClick={() => void set(p)}
      aria-pressed={presence === p}
      className={`flex items-center gap-1.5 rounded-md px-2.5 py-1 text-xs font-medium ${
        presence === p ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'
      }`}
      data-testid={`presence-${p}`}
    >
      <span className={`h-2 w-2 rounded-full ${dot}`} />
      {label}
    </button>
  );
  return (
    <div>
      <div className="inline-flex rounded-lg bg-slate-200 p-0.5" role="group" aria-label="My status">
        {option('available', 'Available', 'bg-emerald-500')}
        {option('away', 'Away', 'bg-amber-500')}
        {option('offline', 'Offline', 'bg-slate-400')}
      </div>
      {error && <p className="mt-1 text-xs text-rose-600">{error}</p>}
    </div>
  );
}
