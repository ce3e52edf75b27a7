import type { Channel } from '@/db/schema';
import { createTwilioClient, MESSAGES_TIMEOUT_MS } from './twilio-client';

/** One outbound WhatsApp message, provider-neutral. Addresses are E.164 (`+14155550100`). */
export type OutboundMessage = {
  from: string;
  to: string;
  body?: string;
  /** One publicly fetchable URL (WhatsApp takes one media item per message). */
  mediaUrl?: string;
  /** An approved template (Twilio Content SID) and its variables ({"1": "Ana"}). */
  template?: { contentSid: string; variables: Record<string, string> };
  statusCallbackUrl: string;
};

export type SendResult = { providerMessageId: string; status: string };

/**
 * A provider refused or could not be reached. `retryable`: a network error, 429 or 5xx — the same
 * request may succeed later. Anything else will not heal by repeating it.
 */
export class ProviderSendError extends Error {
  constructor(
    message: string,
    readonly details: { retryable: boolean; httpStatus?: number; code?: string },
  ) {
    super(message);
    this.name = 'ProviderSendError';
  }
}

/** What an earlier attempt of a send would look like at the provider, if it went through. */
export type SentLookup = {
  from: string;
  to: string;
  /** The attempt started at or after this (allow for clock skew). */
  since: Date;
  /** The body the provider shows (a template's rendered text, a media message's caption, or ''). */
  body: string;
  withMedia: boolean;
};

export interface MessagingProvider {
  sendMessage(message: OutboundMessage): Promise<SendResult>;
  /** Messages the provider accepted that match `lookup`, oldest first (none: it did not go out). */
  findSentMessages(lookup: SentLookup): Promise<SendResult[]>;
}

type ChannelForProvider = Pick<Channel, 'provider' | 'accountSid' | 'authTokenEncrypted'>;

/** Twilio and simulator channels share the Twilio adapter: the simulator is only another base URL. */
export function providerFor(channel: ChannelForProvider): MessagingProvider {
  switch (channel.provider) {
    case 'twilio':
    case 'simulator':
      return twilioProvider(channel);
    default:
      throw new ProviderSendError(`Sending through ${channel.provider} channels is not supported yet.`, { retryable: false });
  }
}

// Twilio addresses WhatsApp users as `whatsapp:+E164`; a bare number would go out as SMS.
const whatsapp = (e164: string) => (e164.startsWith('whatsapp:') ? e164 : `whatsapp:${e164}`);

function twilioProvider(channel: ChannelForProvider): MessagingProvider {
  return {
    async sendMessage(m) {
      const client = createTwilioClient(channel, { timeoutMs: MESSAGES_TIMEOUT_MS });
      try {
        const created = await client.messages.create({
          from: whatsapp(m.from),
          to: whatsapp(m.to),
          statusCallback: m.statusCallbackUrl,
          ...(m.template
            ? { contentSid: m.template.contentSid, contentVariables: JSON.stringify(m.template.variables) }
            : m.body
              ? { body: m.body }
              : {}),
          ...(m.mediaUrl ? { mediaUrl: [m.mediaUrl] } : {}),
        });
        return { providerMessageId: created.sid, status: created.status };
      } catch (err) {
        throw toProviderError(err);
      }
    },
    async findSentMessages(lookup) {
      const client = createTwilioClient(channel, { timeoutMs: MESSAGES_TIMEOUT_MS });
      try {
        // List Messages answers newest first. A queued message has no date_sent yet, so the
        // DateSent filters would miss exactly the messages looked for: match on date_created.
        // One page, the newest 50: an attempt of the last minutes is among them.
        const page = await client.messages.page({ to: whatsapp(lookup.to), from: whatsapp(lookup.from), pageSize: 50 });
        return page.instances
          .filter(
            (m) =>
              m.direction.startsWith('outbound') &&
              m.dateCreated.getTime() >= lookup.since.getTime() &&
              (m.body ?? '') === lookup.body &&
              Number(m.numMedia ?? 0) > 0 === lookup.withMedia,
          )
          .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
          .map((m) => ({ providerMessageId: m.sid, status: m.status }));
      } catch (err) {
        throw toProviderError(err);
      }
    },
  };
}

function toProviderError(err: unknown): ProviderSendError {
  const e = err as { status?: unknown; code?: unknown; message?: string; response?: { status?: number } };
  // RestException: Twilio answered with an error status (and usually a numeric error code).
  if (typeof e.status === 'number') {
    const status = e.status;
    const code = e.code === undefined || e.code === null ? undefined : String(e.code);
    return new ProviderSendError(e.message || `Twilio answered HTTP ${status}`, {
      retryable: status === 429 || status >= 500,
      httpStatus: status,
      code,
    });
  }
  // No HTTP answer (connection refused, reset, timeout, DNS): worth retrying.
  const status = e.response?.status;
  return new ProviderSendError(e.message || 'Twilio could not be reached', {
    retryable: status === undefined || status === 429 || status >= 500,
    httpStatus: status,
  });
}
