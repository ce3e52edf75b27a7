import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { parseHistoryQuery } from '@/lib/history/filters';
import { searchConversationHistory } from '@/lib/history/search';
import { route, searchParams } from '@/lib/http/body';

// Supervisors and admins search everything; agents only the chats they were assigned or wrote in.
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'conversations');
  const query = parseHistoryQuery(searchParams(req));
  return Response.json(await searchConversationHistory({ db: getDb(), actor, query }));
});
