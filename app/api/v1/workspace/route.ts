import { requireActor } from '@/lib/auth/guard';
import { route } from '@/lib/http/body';
import { loadWorkspace } from '@/lib/conversations/workspace';

/** The agent workspace's first paint: me, my queues, channels, my chats and my queues' waiting chats. */
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'agentWorkspace');
  return Response.json(await loadWorkspace({ actor }));
});
