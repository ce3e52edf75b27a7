import Link from 'next/link';
import type { Actor, Area } from '@/lib/auth/roles';
import { canAccess } from '@/lib/auth/roles';
import { SignOutButton } from './sign-out-button';

const nav: { href: string; label: string; area: Area }[] = [
  { href: '/inbox', label: 'Inbox', area: 'agentWorkspace' },
  { href: '/live', label: 'Live queues', area: 'supervise' },
  { href: '/history', label: 'History', area: 'history' },
  { href: '/reports', label: 'Reports', area: 'supervise' },
  { href: '/settings', label: 'Settings', area: 'settings' },
  { href: '/simulator', label: 'Simulator', area: 'simulator' },
];

export function AppShell({ actor, active, children }: { actor: Actor; active: string; children: React.ReactNode }) {
  return (
    <div className="flex h-full min-h-screen flex-col">
      <header className="flex min-h-12 shrink-0 flex-wrap items-center gap-x-6 gap-y-1 bg-slate-900 px-4 py-1.5 text-white">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <span className="flex h-7 w-7 items-center justify-center rounded-md bg-brand-600 text-sm">P</span>
          Parley
        </Link>
        <nav className="flex flex-wrap gap-1 text-sm" aria-label="Main">
          {nav
            .filter((n) => canAccess(actor.role, n.area))
            .map((n) => (
              <Link
                key={n.href}
                href={n.href}
                aria-current={active === n.href ? 'page' : undefined}
                className={`rounded-md px-3 py-1.5 ${active === n.href ? 'bg-slate-700 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'}`}
              >
                {n.label}
              </Link>
            ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span data-testid="current-user">
            {actor.name} <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs capitalize text-slate-200">{actor.role}</span>
          </span>
          <SignOutButton />
        </div>
      </header>
      <div className="flex min-h-0 flex-1 flex-col">{children}</div>
    </div>
  );
}

export function EmptyState({ title, children, testId }: { title: string; children?: React.ReactNode; testId?: string }) {
  return (
    <div className="flex flex-1 items-center justify-center p-10" data-testid={testId}>
      <div className="max-w-md text-center">
        <h2 className="text-lg font-semibold text-slate-800">{title}</h2>
        {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
      </div>
    </div>
  );
}
