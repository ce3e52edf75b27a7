import type { Channel } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import type { WebhookAdapter, WebhookBatch, WebhookReply, WebhookRequest } from '../types';
import { formToRecord, parseTwilioMessage, parseTwilioStatus } from './parse';
import { isValidTwilioSignature } from './signature';

/**
 * Twilio's two webhooks, both form-encoded POSTs signed with X-Twilio-Signature:
 *   /api/webhooks/twilio/{channelId}         "a message comes in" → empty TwiML
 *   /api/webhooks/twilio/{channelId}/status  status callback      → 204
 */
const STATUS_SUBPATH = '/status';

/** Twilio's webhooks are a few KB at most (Body ≤ 4096 characters, ≤ 10 media URLs). */
export const MAX_TWILIO_WEBHOOK_BYTES = 64 * 1024;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

// verify and parse both need the form fields: read once per request.
const forms = new WeakMap<WebhookRequest, Record<string, string>>();

function formOf(request: WebhookRequest): Record<string, string> {
  let form = forms.get(request);
  if (!form) {
    const type = String(request.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new AppError('bad_request:Twilio webhooks are application/x-www-form-urlencoded.');
    }
    form = formToRecord(request.rawBody.toString('utf8'));
    forms.set(request, form);
  }
  return form;
}

const header = (request: WebhookRequest, name: string): string | null => {
  const v = request.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
};

export const twilioWebhook: WebhookAdapter = {
  segment: 'twilio',
  subpaths: ['', STATUS_SUBPATH],
  maxBodyBytes: MAX_TWILIO_WEBHOOK_BYTES,

  /** 400 unless it is a form; 403 unless Twilio (or the simulator) signed exactly this URL and these parameters. */
  verify(channel: Channel, request: WebhookRequest): void {
    const signature = header(request, 'x-twilio-signature');
    // Twilio signs the URL it was given (PUBLIC_URL + path + query), whatever proxy is in between.
    if (!isValidTwilioSignature(channel, { signature, url: request.url, params: formOf(request) })) {
      logger.warn({ channelId: channel.id, signed: !!signature }, 'webhook signature refused');
      throw new AppError('forbidden:The X-Twilio-Signature does not match this request.');
    }
  },

  parse(_channel: Channel, request: WebhookRequest): WebhookBatch {
    const form = formOf(request);
    return request.subpath === STATUS_SUBPATH
      ? { messages: [], statuses: [parseTwilioStatus(form, request.query)] }
      : { messages: [parseTwilioMessage(form)], statuses: [] };
  },

  reply(_channel: Channel, request: WebhookRequest): WebhookReply {
    return request.subpath === STATUS_SUBPATH
      ? { status: 204, headers: {}, body: '' }
      : { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: EMPTY_TWIML };
  },
};
