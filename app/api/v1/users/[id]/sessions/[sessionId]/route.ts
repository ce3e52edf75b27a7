import { getDb } from '@/db/client';
import { idParam } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { revokeUserSession } from '@/lib/auth/sessions';
import { route } from '@/lib/http/body';

type Ctx = { params: Promise<{ id: string; sessionId: string }> };

/** Ends one session of the user: that browser is signed out at its next request. */
export const DELETE = route<Ctx>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const { sessionId } = await ctx.params;
  const userId = await idParam(ctx, 'user');
  const id = await idParam({ params: Promise.resolve({ id: sessionId }) }, 'session');
  return Response.json(await revokeUserSession(getDb(), { actor, userId, sessionId: id }));
});
