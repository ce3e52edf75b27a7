import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';
import { listMyQueues } from '@/lib/conversations/list';

/** The queues the caller is a member of, with routing rule and live counters. */
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'agentWorkspace');
  return Response.json(await listMyQueues({ actor }));
});
