import { getDb } from '@/db/client';
import { revokeApiToken } from '@/lib/admin/api-tokens';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';

/** Revokes the token: it stops working at once. The row stays for the audit trail. */
export const DELETE = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  return Response.json(await revokeApiToken(getDb(), { actor, id: await idParam(ctx, 'API token') }));
});
