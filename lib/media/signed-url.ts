import { createHmac, timingSafeEqual } from 'node:crypto';
import { getAuthSecret } from '@/lib/auth/secret';
import { getConfig } from '@/lib/config';

// Twilio fetches outbound media itself (GET, sometimes HEAD first) without any of our credentials:
// the media URL carries an HMAC of the attachment id and an expiry instead.

export const SIGNED_MEDIA_TTL_SECONDS = 60 * 60;

function signature(attachmentId: string, expires: number): string {
  const key = createHmac('sha256', getAuthSecret()).update('parley:media-url:v1').digest();
  return createHmac('sha256', key).update(`${attachmentId}.${expires}`).digest('base64url');
}

/** An absolute URL under PUBLIC_URL that serves the attachment to anyone holding it, until it expires. */
export function signedMediaUrl(
  attachmentId: string,
  { ttlSeconds = SIGNED_MEDIA_TTL_SECONDS, now = Date.now() }: { ttlSeconds?: number; now?: number } = {},
): string {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  const sig = signature(attachmentId, expires);
  return `${getConfig().publicUrl}/api/media/${encodeURIComponent(attachmentId)}?expires=${expires}&sig=${sig}`;
}

/** Whether `expires`/`sig` query values are a valid, unexpired signature for this attachment. */
export function verifyMediaSignature(
  attachmentId: string,
  params: { expires?: string | null; sig?: string | null },
  now: number = Date.now(),
): boolean {
  if (!params.expires || !params.sig || !/^\d{1,12}$/.test(params.expires)) return false;
  const expires = Number(params.expires);
  if (expires * 1000 <= now) return false;
  const expected = Buffer.from(signature(attachmentId, expires));
  const given = Buffer.from(params.sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
