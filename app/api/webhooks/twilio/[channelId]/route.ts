import { getDb } from '@/db/client';
import { publicUrlOf } from '@/lib/channels/twilio-signature';
import { readTwilioForm } from '@/lib/channels/twilio-webhook';
import { ingestInboundMessage } from '@/lib/conversations/ingest';
import { route } from '@/lib/http';

type Ctx = { params: Promise<{ channelId: string }> };

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Twilio: "a message comes in". Answers empty TwiML once the message is stored (or known already). */
export const POST = route<Ctx>(async (req, ctx) => {
  const { channelId } = await ctx.params;
  const params = await readTwilioForm(req);
  await ingestInboundMessage(getDb(), {
    channelId,
    signature: req.headers.get('x-twilio-signature'),
    url: publicUrlOf(req),
    params,
  });
  return new Response(EMPTY_TWIML, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
});
