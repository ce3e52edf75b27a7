import { z } from 'zod';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route } from '@/lib/http/body';
import { markRead } from '@/lib/conversations/mark-read';

const paramsSchema = z.object({ id: z.uuid() });

/** Marks the conversation read up to its latest message for the caller (unread count → 0). */
export const POST = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  await markRead({ actor, conversationId: id });
  return new Response(null, { status: 204 });
});
