import { getDb } from '@/db/client';
import { createUser, listAdminUsers } from '@/lib/admin/users';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { createUserSchema } from './schema';

export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await listAdminUsers(getDb()));
});

export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, createUserSchema);
  return Response.json(await createUser(getDb(), { actor, input }), { status: 201 });
});
