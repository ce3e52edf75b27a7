import { z } from 'zod';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route } from '@/lib/http/body';
import { contactHistory } from '@/lib/conversations/workspace';

const paramsSchema = z.object({ id: z.uuid() });

/** The conversations of this conversation's contact, newest first (the workspace's side panel). */
export const GET = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await contactHistory({ actor, conversationId: id }));
});
