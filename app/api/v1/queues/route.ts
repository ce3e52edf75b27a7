import { getDb } from '@/db/client';
import { createQueue, listQueues } from '@/lib/admin/queues';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { createQueueSchema } from './schema';

export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await listQueues(getDb()));
});

export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, createQueueSchema);
  return Response.json(await createQueue(getDb(), { actor, input }), { status: 201 });
});
