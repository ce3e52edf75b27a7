import { getDb } from '@/db/client';
import { createTemplate, listTemplates } from '@/lib/admin/templates';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, parseWith, route, searchParams } from '@/lib/http/body';
import { createTemplateSchema, listTemplatesSchema } from './schema';

/** Agents see approved templates only (what they may send); admins every status. */
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'conversations');
  return Response.json(await listTemplates(getDb(), { actor, filter: parseWith(listTemplatesSchema, searchParams(req)) }));
});

/** Registers a template by hand, by its ContentSid. */
export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, createTemplateSchema);
  return Response.json(await createTemplate(getDb(), { actor, input }), { status: 201 });
});
