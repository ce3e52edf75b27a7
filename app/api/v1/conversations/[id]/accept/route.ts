import { z } from 'zod';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route } from '@/lib/http/body';
import { acceptConversation } from '@/lib/routing/assign';

const paramsSchema = z.object({ id: z.uuid() });

/** The first accept of a waiting chat wins (409 already_taken for the others). */
export const POST = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'agentWorkspace');
  const { id } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await acceptConversation({ actor, conversationId: id }));
});
