import Link from 'next/link';
import { getPageActor } from '@/lib/auth/page';
import { homeFor } from '@/lib/auth/roles';

export default async function Forbidden() {
  const actor = await getPageActor();
  return (
    <main className="flex min-h-full items-center justify-center p-8" data-testid="forbidden">
      <div className="max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <p className="text-sm font-semibold text-rose-600">403 · Not allowed</p>
        <h1 className="mt-2 text-xl font-semibold">This page is not part of your role</h1>
        <p className="mt-2 text-sm text-slate-600">
          {actor ? `You are signed in as ${actor.name} (${actor.role}).` : 'You are not signed in.'} Ask an administrator if
          you need access.
        </p>
        <Link
          href={actor ? homeFor(actor.role) : '/login'}
          className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          {actor ? 'Go to my home' : 'Sign in'}
        </Link>
      </div>
    </main>
  );
}
