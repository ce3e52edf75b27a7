import { requireActor } from '@/lib/auth/guard';
import { getUserProfile } from '@/lib/users/profile';
import { route } from '@/lib/http/body';

export const GET = route(async (req) => {
  const actor = await requireActor(req);
  return Response.json(await getUserProfile({ userId: actor.id }));
});
