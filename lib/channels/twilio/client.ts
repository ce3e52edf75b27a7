import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient';
import type { Channel } from '@/db/schema';
import { getEncryptionKey } from '@/lib/auth/secret';
import { getConfig } from '@/lib/config';
import { decryptSecret } from '@/lib/crypto';
import { AppError } from '@/lib/errors';

const TWILIO_API = 'https://api.twilio.com';
const TWILIO_CONTENT = 'https://content.twilio.com';

/**
 * The twilio SDK has no base-URL setting: this RequestClient rewrites its fixed hosts to
 * TWILIO_API_BASE_URL / TWILIO_CONTENT_BASE_URL (a regional edge or proxy; Prism in tests; the
 * built-in simulator for simulator channels).
 */
// Twilio answers a message create in well under a second. A send gives up after this long: the
// send job waits this long (and a little) before it takes "not at Twilio" for an answer about a
// lost attempt, so it bounds how soon a reply lost in a crash goes out again.
export const MESSAGES_TIMEOUT_MS = 6_000;
// Everything else (account check, Content API template import) may take longer.
const DEFAULT_TIMEOUT_MS = 15_000;

export class RewritingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly bases: { api: string; content: string },
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    super({ timeout: timeoutMs, keepAlive: true });
  }

  override request<TData>(opts: BaseRequestClient.RequestOptions<TData>) {
    const uri = String(opts.uri)
      .replace(TWILIO_API, this.bases.api)
      .replace(TWILIO_CONTENT, this.bases.content);
    return super.request<TData>({ ...opts, uri });
  }
}

export function simulatorBaseUrl(): string {
  return `${getConfig().publicUrl}/api/simulator/twilio`;
}

/** Plain-text auth token of a channel (decrypted on use, never stored or logged in clear). */
export function channelAuthToken(channel: Pick<Channel, 'authTokenEncrypted'>): string {
  if (!channel.authTokenEncrypted) throw new AppError('unprocessable:This channel has no auth token set.');
  return decryptSecret(channel.authTokenEncrypted, getEncryptionKey());
}

/** A twilio SDK client for a channel: Twilio's hosts for Twilio channels, the simulator for simulator ones. */
export function createTwilioClient(
  channel: Pick<Channel, 'provider' | 'accountSid' | 'authTokenEncrypted'>,
  overrides: { accountSid?: string; authToken?: string; timeoutMs?: number } = {},
): twilio.Twilio {
  const config = getConfig();
  const accountSid = overrides.accountSid ?? channel.accountSid;
  if (!accountSid) throw new AppError('unprocessable:This channel has no Account SID set.');
  const authToken = overrides.authToken ?? channelAuthToken(channel);
  const bases =
    channel.provider === 'simulator'
      ? { api: simulatorBaseUrl(), content: simulatorBaseUrl() }
      : { api: config.twilioApiBaseUrl, content: config.twilioContentBaseUrl };
  return twilio(accountSid, authToken, { httpClient: new RewritingRequestClient(bases, overrides.timeoutMs) });
}
