import { z } from 'zod';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route } from '@/lib/http/body';
import { resolveConversation } from '@/lib/routing/resolve';

const paramsSchema = z.object({ id: z.uuid() });

/** Closes the chat (its agent, or a supervisor/admin); a later message opens a new conversation. */
export const POST = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await resolveConversation({ actor, conversationId: id }));
});
