import { redirect } from 'next/navigation';
import { getPageActor } from '@/lib/auth/page';
import { homeFor } from '@/lib/auth/roles';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const actor = await getPageActor();
  redirect(actor ? homeFor(actor.role) : '/login');
}
