import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { getConversation } from '@/lib/conversations/read';
import { parseWith, route } from '@/lib/http/body';

const paramsSchema = z.object({ id: z.uuid() });

/** One conversation with its contact; 404 when it does not exist or is not the caller's to see. */
export const GET = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await getConversation(getDb(), { actor, id }));
});
