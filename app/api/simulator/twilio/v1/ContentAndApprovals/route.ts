import { authenticateAccount } from '@/lib/simulator/twilio-api';
import { contentAndApprovals } from '@/lib/simulator/content';
import { TwilioApiError, twilioRoute } from '@/lib/simulator/twilio-errors';

// GET /v1/ContentAndApprovals — the admin's template import, for a simulator channel's account.
export const GET = twilioRoute(async (req: Request) => {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.get('authorization') ?? '');
  const accountSid = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':')[0]! : '';
  if (!accountSid) throw new TwilioApiError(401, 20003, 'Authenticate');
  await authenticateAccount(req, accountSid);
  return Response.json(contentAndApprovals(accountSid, req.url));
});
