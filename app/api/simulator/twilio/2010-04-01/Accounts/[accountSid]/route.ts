import { authenticateAccount, toTwilioAccountJson } from '@/lib/simulator/twilio-api';
import { twilioNotFound, twilioRoute } from '@/lib/simulator/twilio-errors';

type Ctx = { params: Promise<{ accountSid: string }> };

// GET /2010-04-01/Accounts/{AccountSid}.json — the account fetch behind "check credentials".
export const GET = twilioRoute(async (req: Request, { params }: Ctx) => {
  const { accountSid: segment } = await params;
  if (!segment.endsWith('.json')) throw twilioNotFound();
  const accountSid = segment.slice(0, -'.json'.length);
  const channels = await authenticateAccount(req, accountSid);
  return Response.json(toTwilioAccountJson(accountSid, channels));
});
