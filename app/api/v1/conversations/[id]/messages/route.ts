import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { sendMessage } from '@/lib/conversations/send';
import { parseJson, parseWith, route } from '@/lib/http';
import { sendMessageSchema, toSendInput } from './send-schema';

const sendParamsSchema = z.object({ id: z.uuid() });

/** An agent's reply: 201 with the pending message; the same clientId again: 200 with that same message. */
export const POST = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(sendParamsSchema, await ctx.params);
  const input = toSendInput(await parseJson(req, sendMessageSchema));
  const { message, created } = await sendMessage(getDb(), { actor, conversationId: id, input });
  return Response.json(message, { status: created ? 201 : 200 });
});
