import { getDb } from '@/db/client';
import { getSimulatorMessageBySid } from '@/db/queries/simulator';
import { authenticateAccount, toTwilioMessageJson } from '@/lib/simulator/twilio-api';
import { twilioNotFound, twilioRoute } from '@/lib/simulator/twilio-errors';

type Ctx = { params: Promise<{ accountSid: string; messageSid: string }> };

// GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json — `client.messages(sid).fetch()`.
export const GET = twilioRoute(async (req: Request, { params }: Ctx) => {
  const { accountSid, messageSid } = await params;
  const channels = await authenticateAccount(req, accountSid);
  const sid = messageSid.replace(/\.json$/, '');
  const message = await getSimulatorMessageBySid(getDb(), { sid });
  const channel = channels.find((c) => c.id === message?.channelId);
  if (!message || !channel) throw twilioNotFound();
  return Response.json(toTwilioMessageJson(message, accountSid, channel));
});
