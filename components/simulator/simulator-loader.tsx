'use client';

import dynamic from 'next/dynamic';
import type { SimulatorChannelDto } from './api';

// Rendered in the browser only: its tabs live in localStorage and its customers are random.
const SimulatorApp = dynamic(() => import('./simulator-app').then((m) => m.SimulatorApp), {
  ssr: false,
  loading: () => <div className="p-6 text-sm text-slate-500">Loading the simulator…</div>,
});

export function SimulatorLoader({ channels }: { channels: SimulatorChannelDto[] }) {
  return <SimulatorApp channels={channels} />;
}
