import twilio from 'twilio';
import type { Channel } from '@/db/schema';
import { channelAuthToken } from './twilio-client';

// Decrypted auth tokens by ciphertext: every webhook needs one; a rotated token has a new ciphertext.
const tokens = new Map<string, string>();

/** Whether X-Twilio-Signature matches the channel's auth token over the public URL and every posted parameter. */
export function isValidTwilioSignature(
  channel: Pick<Channel, 'authTokenEncrypted'>,
  { signature, url, params }: { signature: string | null; url: string; params: Record<string, string> },
): boolean {
  if (!signature || !channel.authTokenEncrypted) return false;
  let token = tokens.get(channel.authTokenEncrypted);
  if (token === undefined) {
    try {
      token = channelAuthToken(channel);
    } catch {
      return false;
    }
    if (tokens.size >= 100) tokens.clear();
    tokens.set(channel.authTokenEncrypted, token);
  }
  return twilio.validateRequest(token, signature, url, params);
}
