import { getDb } from '@/db/client';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { listUserSessions, signOutEverywhere } from '@/lib/auth/sessions';
import { route } from '@/lib/http/body';

/** The user's signed-in browsers (live sessions). */
export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await listUserSessions(getDb(), { userId: await idParam(ctx, 'user') }));
});

/** "Sign out everywhere": ends every session and every password-login API token of the user. */
export const DELETE = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  return Response.json(await signOutEverywhere(getDb(), { actor, userId: await idParam(ctx, 'user') }));
});
