import { getDb } from '@/db/client';
import { listSimulatorCustomers } from '@/db/queries/simulator';
import { route } from '@/lib/http/body';
import { getSimulatorChannel, requireSimulatorAccess } from '@/lib/simulator/access';

// GET — simulated phones that have talked on this channel, most recent first.
export const GET = route(async (req: Request, { params }: { params: Promise<{ channelId: string }> }) => {
  await requireSimulatorAccess(req);
  const channel = await getSimulatorChannel((await params).channelId);
  const rows = await listSimulatorCustomers(getDb(), { channelId: channel.id });
  return Response.json({ items: rows.map((r) => ({ phone: r.phone, profileName: r.profileName, lastAt: r.lastAt.toISOString() })) });
});
