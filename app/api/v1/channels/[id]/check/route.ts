import { checkChannelCredentials } from '@/lib/admin/channel-check';
import { idParam, optionalJson, type IdContext } from '@/lib/http/params';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route } from '@/lib/http/body';
import { checkCredentialsSchema } from '../../schema';

/** "Check credentials": 200 `{ok, message}` either way; optional unsaved `{accountSid, authToken}`. */
export const POST = route<IdContext>(async (req, ctx) => {
  const actor = await requireActor(req, 'settings');
  const id = await idParam(ctx, 'channel');
  const overrides = parseWith(checkCredentialsSchema, await optionalJson(req));
  return Response.json(await checkChannelCredentials(actor, id, overrides));
});
