import type { MessageLocation } from '@/db/schema';
import { AppError } from '@/lib/errors';

/** Twilio never sends more than 10 media per message. */
const MAX_MEDIA = 10;

export type InboundMedia = { url: string; contentType: string | null };

/** What Parley reads out of Twilio's "a message comes in" parameters (all of them stay in `raw`). */
export type InboundMessage = {
  messageSid: string;
  from: string;
  to: string | null;
  waId: string | null;
  profileName: string | null;
  body: string | null;
  kind: 'text' | 'media' | 'location' | 'button' | 'contacts';
  media: InboundMedia[];
  location: MessageLocation | null;
  button: { text: string | null; payload: string | null } | null;
  repliedToSid: string | null;
  raw: Record<string, string>;
};

const VCARD_TYPES = /^text\/(x-)?vcard|^text\/directory/i;

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? null : v);

/** Parses Twilio's form fields; 400 without a MessageSid or From. Unknown fields are kept, never refused. */
export function parseInboundParams(raw: Record<string, string>): InboundMessage {
  const messageSid = nonEmpty(raw.MessageSid) ?? nonEmpty(raw.SmsMessageSid) ?? nonEmpty(raw.SmsSid);
  const from = nonEmpty(raw.From);
  if (!messageSid || !from) throw new AppError('bad_request:MessageSid and From are required.');

  const declared = Math.min(Number.parseInt(raw.NumMedia ?? '0', 10) || 0, MAX_MEDIA);
  const media: InboundMedia[] = [];
  for (let i = 0; i < MAX_MEDIA; i++) {
    const url = nonEmpty(raw[`MediaUrl${i}`]);
    if (!url) {
      if (i >= declared) break;
      continue;
    }
    media.push({ url, contentType: nonEmpty(raw[`MediaContentType${i}`]) });
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

  const buttonText = nonEmpty(raw.ButtonText);
  const buttonPayload = nonEmpty(raw.ButtonPayload);
  const button = buttonText || buttonPayload ? { text: buttonText, payload: buttonPayload } : null;
  const body = nonEmpty(raw.Body);

  let kind: InboundMessage['kind'] = 'text';
  if (media.length) kind = media.every((m) => m.contentType && VCARD_TYPES.test(m.contentType)) ? 'contacts' : 'media';
  else if (location) kind = 'location';
  else if (button) kind = 'button';

  return {
    messageSid,
    from,
    to: nonEmpty(raw.To),
    waId: nonEmpty(raw.WaId),
    profileName: nonEmpty(raw.ProfileName),
    body: body ?? (kind === 'button' ? buttonText : null),
    kind,
    media,
    location,
    button,
    repliedToSid: nonEmpty(raw.OriginalRepliedMessageSid),
    raw,
  };
}

/** Reads an application/x-www-form-urlencoded body into a flat record (last value of a repeated key wins). */
export function formToRecord(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}
