import { getDb } from '@/db/client';
import { deleteChannel, getChannel, updateChannel } from '@/lib/admin/channels';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { updateChannelSchema } from '../schema';

export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await getChannel(getDb(), { id: await idParam(ctx, 'channel') }));
});

/** Edit, replace the auth token, deactivate (`active: false`) or reactivate. */
export const PATCH = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const id = await idParam(ctx, 'channel');
  return Response.json(await updateChannel(getDb(), { actor, id, input: await parseJson(req, updateChannelSchema) }));
});

/** Only a channel without conversations; one with history answers 409 and stays (deactivate it). */
export const DELETE = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  await deleteChannel(getDb(), { actor, id: await idParam(ctx, 'channel') });
  return new Response(null, { status: 204 });
});
