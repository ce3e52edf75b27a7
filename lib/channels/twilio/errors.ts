import { ProviderSendError } from '../types';

// Twilio's error codes (its own, and WhatsApp's as Twilio numbers them) an agent may see, in words a person understands.
const reasons: Record<string, string> = {
  '63016': 'The 24-hour window is closed: only an approved template can be sent until the customer writes again.',
  '63018': 'WhatsApp rate limit reached for this number: the message was not sent. Try again shortly.',
  '63024': 'This number is not on WhatsApp (or cannot receive WhatsApp messages).',
  '63003': 'The customer’s number could not be reached on WhatsApp.',
  '63014': 'The customer blocked this business or opted out of its messages.',
  '63021': 'The message was refused by WhatsApp because its content is not allowed.',
  '63019': 'The media could not be downloaded by WhatsApp (check its type and size).',
  '63032': 'WhatsApp did not deliver the message to this user (Meta’s per-user limit).',
  '63049': 'WhatsApp chose not to deliver this marketing template to this user.',
  '21211': 'The customer’s phone number is not valid.',
  '21408': 'This Twilio account may not send to the customer’s region.',
  '21608': 'The number is unverified on a Twilio trial account: verify it or upgrade the account.',
  '21610': 'The customer replied STOP and opted out of messages from this number.',
  '21614': 'The destination is not a mobile number that can receive messages.',
  '21656': 'The template variables are not valid for this template.',
  '20003': 'Twilio rejected this channel’s credentials (Account SID or auth token).',
  '20429': 'Too many requests to Twilio: the message will be retried.',
  '30001': 'Twilio’s queue for this number overflowed: the message was not sent.',
  '30002': 'The Twilio account is suspended.',
  '30003': 'The customer’s phone is unreachable or switched off.',
  '30004': 'The message was blocked (the customer may have blocked this number).',
  '30005': 'The customer’s number is unknown or no longer exists.',
  '30006': 'The customer’s number cannot receive this message (landline or unreachable carrier).',
  '30007': 'The carrier filtered this message as spam.',
  '30008': 'Delivery failed for an unknown reason.',
  '30034': 'The message was blocked: the sender is not registered for this traffic.',
};

/** Codes that will not heal by retrying the same request. */
const NON_RETRYABLE = new Set([
  '63016', '63024', '63003', '63014', '63021', '21211', '21408', '21608', '21610', '21614', '21656', '20003', '30002',
]);

/** The reason for one of Twilio's codes, or null for a code without one. */
export function describeTwilioError(code: string): string | null {
  return reasons[code] ?? null;
}

export function readableReason(code: string | number | null | undefined, fallback?: string | null): string | null {
  if (code === null || code === undefined || code === '') return fallback ?? null;
  return reasons[String(code)] ?? fallback ?? `Delivery failed (error ${code}).`;
}

/** Plain words for why Twilio said no to a credentials or Content API call; never echoes the request (it carries the credentials). */
export function describeTwilioFailure(err: unknown): string {
  const e = (err ?? {}) as TwilioFailure;
  if (e.status === 401 || e.code === 20003) return 'Twilio rejected these credentials: the Account SID or auth token is wrong.';
  if (e.status === 403) return 'Twilio refused access with these credentials (403). Check that the auth token belongs to this account.';
  if (e.status === 404) return 'Twilio has no account with this Account SID.';
  if (typeof e.status === 'number') return `Twilio answered with an error (HTTP ${e.status}). Try again in a moment.`;
  if (typeof e.code === 'string' && /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|ECONNRESET|EAI_AGAIN/.test(e.code)) {
    return `Parley could not reach Twilio (${e.code}). Check this server's internet access.`;
  }
  return 'Parley could not reach Twilio. Check this server\'s internet access and try again.';
}

/** Only what is safe to log of an SDK error: its HTTP status and code (the error holds the request, and with it the credentials). */
export function loggableTwilioFailure(err: unknown): { status?: number; code?: number | string } {
  const e = (err ?? {}) as TwilioFailure;
  return { status: e.status, code: e.code };
}

type TwilioFailure = { status?: number; code?: number | string; message?: string };

/** The SDK's error for a send (a RestException, or a network error) as a ProviderSendError with a reason an agent understands. */
export function toProviderSendError(err: unknown): ProviderSendError {
  const e = err as { status?: unknown; code?: unknown; message?: string; response?: { status?: number } };
  // RestException: Twilio answered with an error status (and usually a numeric error code).
  if (typeof e.status === 'number') {
    const status = e.status;
    const code = e.code === undefined || e.code === null ? undefined : String(e.code);
    const message = e.message || `Twilio answered HTTP ${status}`;
    return new ProviderSendError(message, {
      retryable: (status === 429 || status >= 500) && !(code && NON_RETRYABLE.has(code)),
      httpStatus: status,
      code,
      reason: readableReason(code, `Twilio refused the message: ${message}`)!,
    });
  }
  // No HTTP answer (connection refused, reset, timeout, DNS): worth retrying.
  const status = e.response?.status;
  const message = e.message || 'Twilio could not be reached';
  return new ProviderSendError(message, {
    retryable: status === undefined || status === 429 || status >= 500,
    httpStatus: status,
    reason: `Twilio refused the message: ${message}`,
  });
}
