import { getDb } from '@/db/client';
import { listSimulatorChannels } from '@/db/queries/channels';
import { route } from '@/lib/http/body';
import { requireSimulatorAccess } from '@/lib/simulator/access';
import { toSimulatorChannelDto } from '@/lib/simulator/dto';

// GET /api/simulator/channels — the simulator channels a simulated customer can write to.
export const GET = route(async (req) => {
  await requireSimulatorAccess(req);
  const channels = await listSimulatorChannels(getDb());
  return Response.json({ items: channels.map(toSimulatorChannelDto) });
});
