import twilio from 'twilio';
import type { Channel } from '@/db/schema';
import { cachedChannelAuthToken } from '../credentials';

/** Whether X-Twilio-Signature matches the channel's auth token over the public URL and every posted parameter. */
export function isValidTwilioSignature(
  channel: Pick<Channel, 'authTokenEncrypted'>,
  { signature, url, params }: { signature: string | null; url: string; params: Record<string, string> },
): boolean {
  if (!signature) return false;
  const token = cachedChannelAuthToken(channel);
  return token !== null && twilio.validateRequest(token, signature, url, params);
}
