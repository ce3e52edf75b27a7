import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { resolveActor } from './session';
import { canAccess, type Actor, type Area } from './roles';

/** The signed-in user of a page request, or null. */
export async function getPageActor(): Promise<Actor | null> {
  const jar = await cookies();
  const cookie = jar
    .getAll()
    .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
    .join('; ');
  return resolveActor({ cookie });
}

/** Pages call this first: no session → login (and back afterwards); wrong role → 403 page. */
export async function requirePageArea(area: Area): Promise<Actor> {
  const actor = await getPageActor();
  if (!actor) {
    const h = await headers();
    const path = h.get('x-parley-path') ?? '/';
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  if (!canAccess(actor.role, area)) forbidden();
  return actor;
}
