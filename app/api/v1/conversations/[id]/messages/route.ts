import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { listMessages } from '@/lib/conversations/read';
import { sendMessage } from '@/lib/conversations/send';
import { parseJson, parseWith, route, searchParams } from '@/lib/http/body';
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

const listQuerySchema = z.object({
  before: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** The conversation's messages: newest page first, `?before=<nextCursor>` for older; items oldest → newest. */
export const GET = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(sendParamsSchema, await ctx.params);
  const q = parseWith(listQuerySchema, searchParams(req));
  return Response.json(await listMessages(getDb(), { actor, conversationId: id, before: q.before ?? q.cursor, limit: q.limit }));
});
