import { getDb } from '@/db/client';
import { createChannel, listChannels } from '@/lib/admin/channels';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { createChannelSchema } from './schema';

export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await listChannels(getDb()));
});

export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, createChannelSchema);
  return Response.json(await createChannel(getDb(), { actor, input }), { status: 201 });
});
