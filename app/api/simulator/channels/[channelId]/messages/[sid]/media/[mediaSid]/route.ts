import { getDb } from '@/db/client';
import { getSimulatorMessageBySid } from '@/db/queries/simulator';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/body';
import { getSimulatorChannel, requireSimulatorAccess } from '@/lib/simulator/access';
import { mediaResponse } from '@/lib/simulator/media';

type Ctx = { params: Promise<{ channelId: string; sid: string; mediaSid: string }> };

// GET — a file on the simulated phone (sent by the customer, or by an agent and fetched like WhatsApp does).
export const GET = route(async (req: Request, { params }: Ctx) => {
  await requireSimulatorAccess(req);
  const { channelId, sid, mediaSid } = await params;
  const channel = await getSimulatorChannel(channelId);
  const message = await getSimulatorMessageBySid(getDb(), { sid });
  const res = message?.channelId === channel.id ? mediaResponse(message, mediaSid) : null;
  if (!res) throw new AppError('not_found:No such file.');
  return res;
});
