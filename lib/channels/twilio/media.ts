import type { Channel } from '@/db/schema';
import { channelAuthToken } from '../credentials';
import { MediaFetchError } from '../types';

const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 30_000;

function hostListed(url: URL, hosts: string[]): boolean {
  const defaultPort = url.port === '' || url.port === (url.protocol === 'https:' ? '443' : '80');
  const host = url.host.toLowerCase();
  const name = url.hostname.toLowerCase();
  return hosts.some((h) => h === host || (defaultPort && h === name));
}

/**
 * Fetches a Twilio media URL: Basic auth (Account SID + auth token) only to a listed host
 * (`credentialHosts`); the redirect to Twilio's CDN is followed without credentials; plain http only
 * to listed hosts. Twilio answers 404 for a moment after the webhook while the media propagates:
 * that failure is retryable.
 */
export async function fetchTwilioMedia(channel: Channel, sourceUrl: string, { credentialHosts }: { credentialHosts: string[] }): Promise<Response> {
  const hosts = credentialHosts;
  let url: URL;
  try {
    url = new URL(sourceUrl);
  } catch {
    throw new MediaFetchError('the media URL is not valid');
  }
  if (!hostListed(url, hosts) || !/^https?:$/.test(url.protocol)) {
    throw new MediaFetchError(`media host not allowed: ${url.host}`);
  }
  const origin = url.origin;
  const auth = `Basic ${Buffer.from(`${channel.accountSid ?? ''}:${channelAuthToken(channel)}`).toString('base64')}`;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = url.origin === origin ? { authorization: auth } : {};
    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new MediaFetchError(`could not reach the media host (${(err as Error).message})`, true);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      const next = new URL(res.headers.get('location')!, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && hostListed(next, hosts))) {
        throw new MediaFetchError(`redirect to a non-https host refused: ${next.host}`);
      }
      url = next;
      continue;
    }
    if (res.ok) return res;
    await res.body?.cancel();
    if (res.status === 404 || res.status === 429 || res.status >= 500) {
      throw new MediaFetchError(`media not available (HTTP ${res.status})`, true);
    }
    if (res.status === 401 || res.status === 403) {
      throw new MediaFetchError(`the media host refused the channel's credentials (HTTP ${res.status})`);
    }
    throw new MediaFetchError(`media download failed (HTTP ${res.status})`);
  }
  throw new MediaFetchError('too many redirects');
}
