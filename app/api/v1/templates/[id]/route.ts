import { getDb } from '@/db/client';
import { deleteTemplate, getTemplate, updateTemplate } from '@/lib/admin/templates';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { updateTemplateSchema } from '../schema';

export const GET = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  return Response.json(await getTemplate(getDb(), { actor, id: await idParam(ctx, 'template') }));
});

export const PATCH = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const id = await idParam(ctx, 'template');
  return Response.json(await updateTemplate(getDb(), { actor, id, input: await parseJson(req, updateTemplateSchema) }));
});

export const DELETE = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  await deleteTemplate(getDb(), { actor, id: await idParam(ctx, 'template') });
  return new Response(null, { status: 204 });
});
