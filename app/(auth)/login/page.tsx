import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { getPageActor } from '@/lib/auth/page';
import { homeFor } from '@/lib/auth/roles';
import { getConfig } from '@/lib/config';
import { safeNextPath } from '@/lib/security/redirect';
import { openDemo } from '@/lib/simulator/access';
import { demoLogins } from '@/lib/setup/demo';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const actor = await getPageActor();
  if (actor) redirect(homeFor(actor.role));
  const { next } = await searchParams;
  // Demo passwords are shown only where nobody but this machine can read them.
  const demo = getConfig().seedDemo && getConfig().loopbackOnly ? demoLogins.map(({ email, password, role }) => ({ email, password, role })) : [];
  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-br from-brand-50 to-slate-100 p-6">
      <div className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-8 shadow-lg">
        <div className="mb-6 flex items-center gap-2">
          <span className="flex h-9 w-9 items-center justify-center rounded-lg bg-brand-600 text-lg font-bold text-white">P</span>
          <div>
            <h1 className="text-lg font-semibold leading-tight">Parley</h1>
            <p className="text-xs text-slate-500">WhatsApp contact center</p>
          </div>
        </div>
        <LoginForm next={safeNextPath(next)} demo={demo} />
        {openDemo() && getConfig().simulatorEnabled && (
          <p className="mt-6 border-t border-slate-100 pt-4 text-center text-sm text-slate-600">
            No WhatsApp at hand?{' '}
            <a href="/simulator" className="font-medium text-brand-700 hover:underline" data-testid="login-simulator-link">
              Play a customer in the simulator
            </a>
          </p>
        )}
      </div>
    </main>
  );
}
