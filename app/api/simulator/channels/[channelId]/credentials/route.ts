import { route } from '@/lib/http/body';
import { channelAuthToken } from '@/lib/channels/credentials';
import { getSimulatorChannel, requireSimulatorAccess } from '@/lib/simulator/access';
import { webhookUrlFor } from '@/lib/simulator/customer';

// GET — what `npm run simulate` needs to sign webhooks itself. Simulator channels only: their token
// guards nothing but the simulator, which the caller may already drive (Twilio channels: 404).
export const GET = route(async (req: Request, { params }: { params: Promise<{ channelId: string }> }) => {
  await requireSimulatorAccess(req);
  const channel = await getSimulatorChannel((await params).channelId);
  return Response.json(
    {
      channelId: channel.id,
      accountSid: channel.accountSid,
      authToken: channelAuthToken(channel),
      phoneNumber: channel.phoneNumber,
      defaultCountry: channel.defaultCountry,
      webhookUrl: webhookUrlFor(channel.id),
    },
    { headers: { 'cache-control': 'no-store' } },
  );
});
