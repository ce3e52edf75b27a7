import { getDb } from '@/db/client';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';
import { getErasureReceipt } from '@/lib/privacy/receipts';

export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await getErasureReceipt(getDb(), { id: await idParam(ctx, 'erasure receipt') }));
});
