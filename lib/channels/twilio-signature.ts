import twilio from 'twilio';
import type { Channel } from '@/db/schema';
import { getConfig } from '@/lib/config';
import { channelAuthToken } from './twilio-client';

/**
 * The URL Twilio signed: the public one it was configured with (PUBLIC_URL + path + query), never
 * the internal URL a proxy forwarded to, and without a #fragment (Twilio drops it before signing).
 */
export function publicUrlOf(req: Request): string {
  const u = new URL(req.url);
  return `${getConfig().publicUrl}${u.pathname}${u.search}`;
}

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
