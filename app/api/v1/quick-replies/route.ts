import { getDb } from '@/db/client';
import { createQuickReply, listQuickReplies } from '@/lib/admin/quick-replies';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, parseWith, route, searchParams } from '@/lib/http/body';
import { createQuickReplySchema, listQuickRepliesSchema } from './schema';

/** Agents read the quick replies of their queues (the workspace's "/" picker); admins all of them. */
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'conversations');
  const filter = parseWith(listQuickRepliesSchema, searchParams(req));
  return Response.json(await listQuickReplies(getDb(), { actor, filter }));
});

export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, createQuickReplySchema);
  return Response.json(await createQuickReply(getDb(), { actor, input }), { status: 201 });
});
