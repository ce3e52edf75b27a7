import type { Message, MessageLocation } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { InboundMedia, InboundMessage, StatusUpdate } from '../types';
import { describeTwilioError } from './errors';

/** Twilio never sends more than 10 media per message. */
const MAX_MEDIA = 10;

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? null : v);

// Twilio addresses WhatsApp users as `whatsapp:+14155550100`; the prefix is not part of the number.
const withoutChannelPrefix = (address: string) => address.replace(/^[a-z]+:/i, '').trim();

/**
 * Twilio's "a message comes in" form fields as an InboundMessage; 400 without a MessageSid or From.
 * Unknown fields are kept (in `raw`), never refused.
 */
export function parseTwilioMessage(raw: Record<string, string>): InboundMessage {
  const providerMessageId = nonEmpty(raw.MessageSid) ?? nonEmpty(raw.SmsMessageSid) ?? nonEmpty(raw.SmsSid);
  const from = nonEmpty(raw.From);
  if (!providerMessageId || !from) throw new AppError('bad_request:MessageSid and From are required.');

  // NumMedia says how many MediaUrlN there are; a gap in the numbering is skipped, not an end.
  const declared = Math.min(Number.parseInt(raw.NumMedia ?? '0', 10) || 0, MAX_MEDIA);
  const media: InboundMedia[] = [];
  for (let i = 0; i < MAX_MEDIA; i++) {
    const url = nonEmpty(raw[`MediaUrl${i}`]);
    if (!url) {
      if (i >= declared) break;
      continue;
    }
    media.push({ ref: url, contentType: nonEmpty(raw[`MediaContentType${i}`]) });
  }

  const lat = Number.parseFloat(raw.Latitude ?? '');
  const lng = Number.parseFloat(raw.Longitude ?? '');
  const location: MessageLocation | null =
    Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180
      ? {
          latitude: lat,
          longitude: lng,
          ...(nonEmpty(raw.Address) ? { address: raw.Address } : {}),
          ...(nonEmpty(raw.Label) ? { label: raw.Label } : {}),
        }
      : null;

  // A tap on a template's quick-reply button: ButtonText is what the customer saw, ButtonPayload its id.
  const buttonText = nonEmpty(raw.ButtonText);
  const buttonPayload = nonEmpty(raw.ButtonPayload);

  return {
    providerMessageId,
    from: withoutChannelPrefix(from),
    waId: nonEmpty(raw.WaId),
    profileName: nonEmpty(raw.ProfileName),
    text: nonEmpty(raw.Body) ?? buttonText,
    media,
    location,
    // Twilio shares a contact card as vCard media, not as structured contacts.
    contacts: [],
    choice: buttonText || buttonPayload ? { type: 'button', payload: buttonPayload, text: buttonText } : null,
    reaction: null,
    replyToProviderMessageId: nonEmpty(raw.OriginalRepliedMessageSid),
    raw,
  };
}

/** Twilio's MessageStatus values mapped to Parley's (accepted/scheduled/sending count as queued). */
export function fromTwilioStatus(value: string): Message['status'] | null {
  switch (value.toLowerCase()) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
    case 'canceled':
      return 'failed';
    case 'undelivered':
      return 'undelivered';
    default:
      return null;
  }
}

/**
 * A status callback's form fields as a StatusUpdate; 400 without MessageSid or MessageStatus.
 * `query`: the StatusCallback URL's, which the send filled with the Parley message and attempt.
 */
export function parseTwilioStatus(raw: Record<string, string>, query: URLSearchParams): StatusUpdate {
  const providerMessageId = nonEmpty(raw.MessageSid) ?? nonEmpty(raw.SmsSid);
  const providerStatus = nonEmpty(raw.MessageStatus) ?? nonEmpty(raw.SmsStatus);
  if (!providerMessageId || !providerStatus) throw new AppError('bad_request:MessageSid and MessageStatus are required.');
  const errorCode = raw.ErrorCode && raw.ErrorCode !== '0' ? raw.ErrorCode : null;
  const status = fromTwilioStatus(providerStatus);
  const messageId = query.get('messageId');
  const attempt = Number(query.get('attempt'));
  return {
    providerMessageId,
    status,
    providerStatus,
    errorCode,
    errorReason: errorCode ? describeTwilioError(errorCode) : null,
    sentAs: messageId && Number.isInteger(attempt) && attempt > 0 ? { messageId, attempt } : null,
    raw,
  };
}

/** An application/x-www-form-urlencoded body as a flat record (the last value of a repeated key wins). */
export function formToRecord(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}
