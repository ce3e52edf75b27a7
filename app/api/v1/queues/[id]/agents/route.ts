import { z } from 'zod';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route } from '@/lib/http/body';
import { listAgentsOfQueue } from '@/lib/conversations/list';

const paramsSchema = z.object({ id: z.uuid() });

/** The queue's members with presence and load (transfer picker): its members, supervisors, admins. */
export const GET = route<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const actor = await requireActor(req, 'conversations');
  const { id } = parseWith(paramsSchema, await ctx.params);
  return Response.json(await listAgentsOfQueue({ actor, queueId: id }));
});
