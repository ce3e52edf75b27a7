import { z } from 'zod';
import { getDb } from '@/db/client';
import { setFailNextErrorCode } from '@/db/queries/simulator';
import { parseJson, route } from '@/lib/http/body';
import { getSimulatorChannel, requireSimulatorAccess } from '@/lib/simulator/access';

const failureSchema = z.object({
  errorCode: z
    .string()
    .regex(/^\d{5}$/, 'a five-digit Twilio error code, e.g. 63024')
    .nullable(),
});

// PUT {errorCode} — the next message Parley sends on this channel fails with that Twilio error (null: off).
export const PUT = route(async (req: Request, { params }: { params: Promise<{ channelId: string }> }) => {
  await requireSimulatorAccess(req);
  const channel = await getSimulatorChannel((await params).channelId);
  const { errorCode } = await parseJson(req, failureSchema);
  await setFailNextErrorCode(getDb(), { channelId: channel.id, errorCode });
  return Response.json({ failNextErrorCode: errorCode });
});
