import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SimulatorLoader } from '@/components/simulator/simulator-loader';
import { AppShell } from '@/components/ui/app-shell';
import { getPageActor, requirePageArea } from '@/lib/auth/page';
import { canAccess } from '@/lib/auth/roles';
import { getConfig } from '@/lib/config';
import { listSimulatorChannelDtos, openDemo } from '@/lib/simulator/access';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Simulator · Parley' };

export default async function SimulatorPage() {
  const config = getConfig();
  if (!config.simulatorEnabled) notFound();
  // The embedded demo on loopback: open from the login page; otherwise admins and supervisors.
  const actor = openDemo() ? await getPageActor() : await requirePageArea('simulator');
  const channels = await listSimulatorChannelDtos();
  const app = <SimulatorLoader channels={channels} />;
  if (actor && canAccess(actor.role, 'simulator')) {
    return (
      <AppShell actor={actor} active="/simulator">
        {app}
      </AppShell>
    );
  }
  return (
    <div className="flex h-full min-h-screen flex-col">
      <header className="flex h-12 shrink-0 items-center gap-4 bg-slate-900 px-4 text-white">
        <span className="flex items-center gap-2 font-semibold">
          <span className="flex h-7 w-7 items-center justify-center rounded-md bg-brand-600 text-sm">P</span>
          Parley
        </span>
        <span className="rounded bg-amber-500/90 px-2 py-0.5 text-xs font-medium text-slate-900">Demo · customer simulator</span>
        <Link href={actor ? '/' : '/login'} className="ml-auto text-sm text-slate-300 hover:text-white">
          {actor ? 'Back to Parley' : 'Sign in as an agent →'}
        </Link>
      </header>
      <div className="flex min-h-0 flex-1 flex-col">{app}</div>
    </div>
  );
}
