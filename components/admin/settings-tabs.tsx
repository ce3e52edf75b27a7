'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const tabs = [
  { href: '/settings/channels', label: 'Channels' },
  { href: '/settings/queues', label: 'Queues' },
  { href: '/settings/users', label: 'Users' },
  { href: '/settings/quick-replies', label: 'Quick replies' },
  { href: '/settings/templates', label: 'Templates' },
  { href: '/settings/api-tokens', label: 'API tokens' },
  { href: '/settings/privacy', label: 'Contacts & privacy' },
];

export function SettingsTabs() {
  const pathname = usePathname();
  return (
    <nav className="-mb-px flex gap-1 overflow-x-auto" aria-label="Settings">
      {tabs.map((t) => {
        const active = pathname === t.href || pathname.startsWith(`${t.href}/`) || (pathname === '/settings' && t.href === '/settings/channels');
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? 'page' : undefined}
            data-testid={`settings-tab-${t.href.split('/').pop()}`}
            className={`border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap ${
              active ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'
            }`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
