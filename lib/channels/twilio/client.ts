import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient';
import type { Channel } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { channelAuthToken } from '../credentials';

const TWILIO_API = 'https://api.twilio.com';
const TWILIO_CONTENT = 'https://content.twilio.com';

/** Where a flavour of the Twilio adapter sends the SDK's requests: Twilio's hosts, a proxy, or the simulator. */
export type TwilioBases = { api: string; content: string };

// Twilio answers a message create in well under a second. A send gives up after this long: the
// send job waits this long (and a little) before it takes "not at Twilio" for an answer about a
// lost attempt, so it bounds how soon a reply lost in a crash goes out again.
export const MESSAGES_TIMEOUT_MS = 6_000;
// Everything else (account check, Content API template import) may take longer.
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The twilio SDK has no base-URL setting: this RequestClient rewrites its fixed hosts to the
 * flavour's bases (TWILIO_API_BASE_URL / TWILIO_CONTENT_BASE_URL: a regional edge or proxy, Prism in
 * tests; the built-in simulator for simulator channels).
 */
export class RewritingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly bases: TwilioBases,
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

/** A twilio SDK client for a channel, talking to `bases`, with its (or the given, unsaved) credentials. */
export function createTwilioClient(
  channel: Pick<Channel, 'accountSid' | 'authTokenEncrypted'>,
  { bases, ...overrides }: { bases: TwilioBases; accountSid?: string; authToken?: string; timeoutMs?: number },
): twilio.Twilio {
  const accountSid = overrides.accountSid ?? channel.accountSid;
  if (!accountSid) throw new AppError('unprocessable:This channel has no Account SID set.');
  const authToken = overrides.authToken ?? channelAuthToken(channel);
  return twilio(accountSid, authToken, { httpClient: new RewritingRequestClient(bases, overrides.timeoutMs) });
}
