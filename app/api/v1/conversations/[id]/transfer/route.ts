import { z } from 'zod';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, parseWith, route } from '@/lib/http/body';
import { transferConversation } from '@/lib/routing/transfer';
import { transferSchema } from './schema';

const paramsSchema = z.object({ id: z.uuid() });

/** {agentId} (within the agent's limit) or {queueId} (the chat waits there). */
export const POST = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  const target = await parseJson(req, transferSchema);
  return Response.json(await transferConversation({ actor, conversationId: id, target }));
});
