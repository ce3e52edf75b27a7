import { importTemplates } from '@/lib/admin/template-import';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { importTemplatesSchema } from '../schema';

/** Imports the channel's Twilio Content API templates with their WhatsApp approval status. */
export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, importTemplatesSchema);
  return Response.json(await importTemplates(actor, input));
});
