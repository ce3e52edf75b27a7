import { getDb } from '@/db/client';
import { deleteQuickReply, getQuickReply, updateQuickReply } from '@/lib/admin/quick-replies';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { updateQuickReplySchema } from '../schema';

export const GET = route<IdContext>(async (req, ctx) => {
  await requireActor(req, 'settings');
  return Response.json(await getQuickReply(getDb(), { id: await idParam(ctx, 'quick reply') }));
});

export const PATCH = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const id = await idParam(ctx, 'quick reply');
  return Response.json(await updateQuickReply(getDb(), { actor, id, input: await parseJson(req, updateQuickReplySchema) }));
});

export const DELETE = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  await deleteQuickReply(getDb(), { actor, id: await idParam(ctx, 'quick reply') });
  return new Response(null, { status: 204 });
});
