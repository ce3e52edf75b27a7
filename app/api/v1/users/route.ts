import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http';
import { listUsers } from '@/lib/users/list';

export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await listUsers());
});
