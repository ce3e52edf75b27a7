import { getDb } from '@/db/client';
import { publicUrlOf } from '@/lib/channels/twilio-signature';
import { readTwilioForm } from '@/lib/channels/twilio-webhook';
import { receiveStatusCallback } from '@/lib/conversations/statuses';
import { route } from '@/lib/http';

type Ctx = { params: Promise<{ channelId: string }> };

/** Twilio's status callback for an outbound message: stored for audit, applied forward-only. */
export const POST = route<Ctx>(async (req, ctx) => {
  const { channelId } = await ctx.params;
  const params = await readTwilioForm(req);
  await receiveStatusCallback(getDb(), {
    channelId,
    signature: req.headers.get('x-twilio-signature'),
    url: publicUrlOf(req),
    params,
  });
  return new Response(null, { status: 204 });
});
