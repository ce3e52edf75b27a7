import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { retryMessage } from '@/lib/conversations/send';
import { parseWith, route } from '@/lib/http/body';

const paramsSchema = z.object({ id: z.uuid(), messageId: z.uuid() });

/** Sends a failed outbound message again: 200 with the message, pending once more. */
export const POST = route<{ params: Promise<{ id: string; messageId: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id, messageId } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await retryMessage(getDb(), { actor, conversationId: id, messageId }));
});
