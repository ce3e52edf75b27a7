import { z } from 'zod';
import { parseJson, route } from '@/lib/http/body';
import { getSimulatorChannel, requireSimulatorAccess } from '@/lib/simulator/access';
import { markSeenByCustomer } from '@/lib/simulator/status-callbacks';

const receiptsSchema = z.object({
  sids: z.array(z.string().regex(/^(SM|MM)[0-9a-f]{32}$/)).min(1).max(200),
  status: z.enum(['delivered', 'read']),
});

// POST {sids, status} — the phone received / showed agent messages: "delivered" then "read" callbacks.
export const POST = route(async (req: Request, { params }: { params: Promise<{ channelId: string }> }) => {
  await requireSimulatorAccess(req);
  const channel = await getSimulatorChannel((await params).channelId);
  const body = await parseJson(req, receiptsSchema);
  const changed = await markSeenByCustomer({ channel, sids: body.sids, status: body.status });
  return Response.json({ changed });
});
