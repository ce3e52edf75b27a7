import { getDb } from '@/db/client';
import { getSimulatorMessageBySid } from '@/db/queries/simulator';
import { mediaResponse } from '@/lib/simulator/media';
import { authenticateAccount } from '@/lib/simulator/twilio-api';
import { twilioNotFound, twilioRoute } from '@/lib/simulator/twilio-errors';

type Ctx = { params: Promise<{ accountSid: string; messageSid: string; mediaSid: string }> };

// GET .../Messages/{MM}/Media/{ME}: a customer's file, behind HTTP Basic auth like Twilio's media URLs.
export const GET = twilioRoute(async (req: Request, { params }: Ctx) => {
  const { accountSid, messageSid, mediaSid } = await params;
  const channels = await authenticateAccount(req, accountSid);
  const message = await getSimulatorMessageBySid(getDb(), { sid: messageSid });
  if (!message || !channels.some((c) => c.id === message.channelId)) throw twilioNotFound();
  return mediaResponse(message, mediaSid) ?? twilioNotFound().toResponse();
});
