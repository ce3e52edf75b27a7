import { getDb } from '@/db/client';
import { deleteQueue, getQueue, updateQueue } from '@/lib/admin/queues';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { updateQueueSchema } from '../schema';

export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await getQueue(getDb(), { id: await idParam(ctx, 'queue') }));
});

export const PATCH = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const id = await idParam(ctx, 'queue');
  return Response.json(await updateQueue(getDb(), { actor, id, input: await parseJson(req, updateQueueSchema) }));
});

export const DELETE = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  await deleteQueue(getDb(), { actor, id: await idParam(ctx, 'queue') });
  return new Response(null, { status: 204 });
});
