import type { Channel } from '@/db/schema';
import { getEncryptionKey } from '@/lib/auth/secret';
import { decryptSecret } from '@/lib/crypto';
import { AppError } from '@/lib/errors';

/** Plain-text auth token (the provider's secret) of a channel: decrypted on use, never stored or logged in clear. */
export function channelAuthToken(channel: Pick<Channel, 'authTokenEncrypted'>): string {
  if (!channel.authTokenEncrypted) throw new AppError('unprocessable:This channel has no auth token set.');
  return decryptSecret(channel.authTokenEncrypted, getEncryptionKey());
}

// Decrypted auth tokens by ciphertext: every webhook needs one; a rotated token has a new ciphertext.
const tokens = new Map<string, string>();

/** channelAuthToken, remembered (webhooks verify with it on the hot path); null when the channel has none or it cannot be read. */
export function cachedChannelAuthToken(channel: Pick<Channel, 'authTokenEncrypted'>): string | null {
  if (!channel.authTokenEncrypted) return null;
  let token = tokens.get(channel.authTokenEncrypted);
  if (token === undefined) {
    try {
      token = channelAuthToken(channel);
    } catch {
      return null;
    }
    if (tokens.size >= 100) tokens.clear();
    tokens.set(channel.authTokenEncrypted, token);
  }
  return token;
}
