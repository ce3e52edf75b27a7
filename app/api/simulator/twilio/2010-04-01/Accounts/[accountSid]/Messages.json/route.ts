import { authenticateAccount, createSimulatedMessage, listSimulatedMessages } from '@/lib/simulator/twilio-api';
import { TwilioApiError, twilioRoute } from '@/lib/simulator/twilio-errors';

type Ctx = { params: Promise<{ accountSid: string }> };

// POST /2010-04-01/Accounts/{AccountSid}/Messages.json — what `client.messages.create` calls.
export const POST = twilioRoute(async (req: Request, { params }: Ctx) => {
  const { accountSid } = await params;
  const channels = await authenticateAccount(req, accountSid);
  if (!(req.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    throw new TwilioApiError(400, 20001, 'The request body must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(await req.text());
  const message = await createSimulatedMessage({ accountSid, channels, form });
  return Response.json(message, { status: 201 });
});

// GET /2010-04-01/Accounts/{AccountSid}/Messages.json — what `client.messages.list` calls.
export const GET = twilioRoute(async (req: Request, { params }: Ctx) => {
  const { accountSid } = await params;
  const channels = await authenticateAccount(req, accountSid);
  return Response.json(await listSimulatedMessages({ accountSid, channels, query: new URL(req.url).searchParams }));
});
