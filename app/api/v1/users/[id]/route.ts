import { getDb } from '@/db/client';
import { getAdminUser, updateUser } from '@/lib/admin/users';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { updateUserSchema } from '../schema';

export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await getAdminUser(getDb(), { id: await idParam(ctx, 'user') }));
});

/** Edit, reset the password (`password`), deactivate (`active: false`) or reactivate a user. */
export const PATCH = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const id = await idParam(ctx, 'user');
  const input = await parseJson(req, updateUserSchema);
  return Response.json(await updateUser(getDb(), { actor, id, input }));
});
