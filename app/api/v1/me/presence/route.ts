import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { setPresence } from '@/lib/routing/presence';
import { presenceSchema } from './schema';

/** PUT {presence}: available gets new chats; away/offline keeps its chats but gets no new ones. */
export const PUT = route(async (req) => {
  const actor = await requireActor(req, 'agentWorkspace');
  const { presence } = await parseJson(req, presenceSchema);
  return Response.json(await setPresence({ userId: actor.id, presence }));
});
