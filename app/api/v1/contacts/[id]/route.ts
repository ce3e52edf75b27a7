import { getDb } from '@/db/client';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';
import { getContactDetail } from '@/lib/privacy/contacts';

export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await getContactDetail(getDb(), { id: await idParam(ctx, 'contact') }));
});
