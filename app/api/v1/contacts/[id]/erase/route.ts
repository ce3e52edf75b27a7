import { getDb } from '@/db/client';
import { idParam, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { eraseContact } from '@/lib/privacy/erase';
import { eraseContactSchema } from '../../schema';

/** Erases the contact everywhere; `{confirm: "<their phone number>"}`. Answers the receipt. */
export const POST = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const contactId = await idParam(ctx, 'contact');
  const { confirm } = await parseJson(req, eraseContactSchema);
  return Response.json(await eraseContact(getDb(), { actor, contactId, confirm }));
});
