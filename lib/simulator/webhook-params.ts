// Pure: shared by the in-app simulated phone and bench/simulate.ts (plain Node, no server-only imports).
import twilio from 'twilio';

export type CustomerMessageInput = {
  accountSid: string;
  /** The channel's WhatsApp number, E.164. */
  channelNumber: string;
  /** The simulated customer, E.164. */
  customerPhone: string;
  profileName?: string | null;
  messageSid: string;
  body?: string | null;
  media?: { url: string; contentType: string } | null;
  location?: { latitude: number; longitude: number; address?: string; label?: string } | null;
  button?: { text: string; payload: string } | null;
  replyToSid?: string | null;
};

function messageType(input: CustomerMessageInput): string {
  if (input.location) return 'location';
  if (input.button) return 'button';
  if (input.media) {
    const t = input.media.contentType;
    if (t.startsWith('image/')) return t === 'image/webp' ? 'sticker' : 'image';
    if (t.startsWith('audio/')) return 'audio';
    if (t.startsWith('video/')) return 'video';
    return 'document';
  }
  return 'text';
}

/** Twilio's "a message comes in" parameters for a WhatsApp message, as Twilio posts them. */
export function buildInboundParams(input: CustomerMessageInput): Record<string, string> {
  const params: Record<string, string> = {
    SmsMessageSid: input.messageSid,
    NumMedia: input.media ? '1' : '0',
    ProfileName: input.profileName ?? '',
    MessageType: messageType(input),
    SmsSid: input.messageSid,
    // WaId is the number without "+"; From/To carry the `whatsapp:` channel prefix.
    WaId: input.customerPhone.replace(/^\+/, ''),
    SmsStatus: 'received',
    Body: input.button ? input.button.text : (input.body ?? ''),
    To: `whatsapp:${input.channelNumber}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: input.messageSid,
    AccountSid: input.accountSid,
    From: `whatsapp:${input.customerPhone}`,
    ApiVersion: '2010-04-01',
  };
  if (!input.profileName) delete params.ProfileName;
  if (input.media) {
    params.MediaUrl0 = input.media.url;
    params.MediaContentType0 = input.media.contentType;
  }
  if (input.location) {
    params.Latitude = String(input.location.latitude);
    params.Longitude = String(input.location.longitude);
    if (input.location.address) params.Address = input.location.address;
    if (input.location.label) params.Label = input.location.label;
  }
  if (input.button) {
    params.ButtonText = input.button.text;
    params.ButtonPayload = input.button.payload;
  }
  if (input.replyToSid) {
    params.OriginalRepliedMessageSender = `whatsapp:${input.channelNumber}`;
    params.OriginalRepliedMessageSid = input.replyToSid;
  }
  return params;
}

/** POSTs the webhook signed like Twilio: X-Twilio-Signature over the exact URL and every parameter. */
export async function postSignedWebhook({
  url,
  postTo = url,
  authToken,
  params,
  signal,
}: {
  /** The URL Twilio signs: the public one the channel is configured with. */
  url: string;
  /** Where to send it, when that differs (an internal address of the same server). */
  postTo?: string;
  authToken: string;
  params: Record<string, string>;
  signal?: AbortSignal;
}): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  return fetch(postTo, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
    signal: signal ?? AbortSignal.timeout(15_000),
  });
}
