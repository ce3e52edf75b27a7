import { requireActor } from '@/lib/auth/guard';
import { parseWith, route, searchParams } from '@/lib/http/body';
import { listConversations } from '@/lib/conversations/list';
import { listConversationsSchema } from './schema';

/** GET ?status=&queueId=&assigneeId=&cursor=&limit= → {items, nextCursor}; agents see only theirs. */
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'conversations');
  const query = parseWith(listConversationsSchema, searchParams(req));
  return Response.json(await listConversations({ actor, ...query }));
});
