import { getDb } from '@/db/client';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/body';
import { serveAttachment } from '@/lib/media/serve';
import { isUuid } from '@/lib/ids';

type Ctx = { params: Promise<{ id: string }> };


// Twilio may HEAD outbound media before it GETs it; browsers GET (with Range for audio/video).
async function serve(req: Request, ctx: Ctx): Promise<Response> {
  const { id } = await ctx.params;
  if (!isUuid(id)) throw new AppError('not_found:No such file.');
  return serveAttachment(getDb(), { req, id });
}

export const GET = route<Ctx>(serve);
export const HEAD = route<Ctx>(serve);
