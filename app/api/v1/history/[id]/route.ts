import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { getTranscript } from '@/lib/history/transcript';
import { parseWith, route } from '@/lib/http/body';

const paramsSchema = z.object({ id: z.uuid() });

/** Read-only transcript; each read is written to the audit log ("viewed"). */
export const GET = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await getTranscript({ db: getDb(), actor, id }));
});
