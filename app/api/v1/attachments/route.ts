import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';
import { readSingleFile, storeUpload } from '@/lib/media/upload';

/** One file for an outbound message (multipart/form-data): 201 {id, contentType, size, filename, url}. */
export const POST = route(async (req) => {
  const actor = await requireActor(req, 'conversations');
  const file = await readSingleFile(req);
  return Response.json(await storeUpload(getDb(), { actor, file }), { status: 201 });
});
