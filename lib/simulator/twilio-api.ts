import { timingSafeEqual } from 'node:crypto';
import { getDb } from '@/db/client';
import type { Channel, SimulatorMessage } from '@/db/schema';
import { getSimulatorChannelsByAccount } from '@/db/queries/channels';
import { insertSimulatorMessage, listSimulatorMessagesPage, takeFailNextErrorCode } from '@/db/queries/simulator';
import { channelAuthToken } from '@/lib/channels/credentials';
import { getConfig } from '@/lib/config';
import { toE164 } from '@/lib/phone';
import { logger } from '@/lib/logger';
import { sampleActions } from './content';
import { deliverToCustomer } from './status-callbacks';
import { renderTemplate } from './templates';
import { newSid } from './sids';
import { rfc2822, TwilioApiError, twilioNotFound } from './twilio-errors';

const API_VERSION = '2010-04-01';
const MAX_BODY = 1600;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * HTTP Basic AccountSid:AuthToken, as the twilio SDK sends it, checked against the simulator
 * channels of that account. Returns the channels the credentials open (several numbers per account).
 */
export async function authenticateAccount(req: Request, accountSid: string): Promise<Channel[]> {
  if (!getConfig().simulatorEnabled) throw twilioNotFound();
  const header = req.headers.get('authorization') ?? '';
  const m = /^Basic\s+(.+)$/i.exec(header);
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const i = decoded.indexOf(':');
  const [user, password] = i === -1 ? ['', ''] : [decoded.slice(0, i), decoded.slice(i + 1)];
  const unauthorized = new TwilioApiError(401, 20003, 'Authenticate');
  if (!user || user !== accountSid) throw unauthorized;
  const candidates = await getSimulatorChannelsByAccount(getDb(), { accountSid });
  const open = candidates.filter((c) => {
    try {
      return sameSecret(channelAuthToken(c), password);
    } catch {
      return false;
    }
  });
  if (!open.length) throw unauthorized;
  return open;
}

/** Twilio's Message resource JSON (api.v2010.account.message). */
export function toTwilioMessageJson(m: SimulatorMessage, accountSid: string, channel: Channel) {
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}.json`;
  const status = m.direction === 'from_customer' ? 'received' : m.status;
  const failed = status === 'failed' || status === 'undelivered';
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: m.body ?? '',
    date_created: rfc2822(m.createdAt),
    date_sent: status === 'queued' ? null : rfc2822(m.updatedAt),
    date_updated: rfc2822(m.updatedAt),
    direction: m.direction === 'from_customer' ? 'inbound' : 'outbound-api',
    error_code: failed && m.errorCode ? Number(m.errorCode) : null,
    error_message: null,
    from: m.direction === 'from_customer' ? `whatsapp:${m.customerPhone}` : `whatsapp:${channel.phoneNumber}`,
    messaging_service_sid: null,
    num_media: String(m.media.length),
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status,
    subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}/Media.json`, feedback: `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}/Feedback.json` },
    to: m.direction === 'from_customer' ? `whatsapp:${channel.phoneNumber}` : `whatsapp:${m.customerPhone}`,
    uri,
  };
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json for simulator channels: validates like
 * Twilio, stores the message for the simulated phone, answers `queued`, then reports statuses to
 * StatusCallback in the background (sent, or failed when the channel's "fail next send" switch is on).
 */
export async function createSimulatedMessage({
  accountSid,
  channels,
  form,
}: {
  accountSid: string;
  channels: Channel[];
  form: URLSearchParams;
}) {
  const to = form.get('To')?.trim();
  const from = form.get('From')?.trim();
  if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
  if (!from) throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
  // WhatsApp senders are addressed as `whatsapp:+E164`; a bare number would be an SMS sender.
  const channel = channels.find((c) => from === `whatsapp:${c.phoneNumber}`);
  if (!channel) throw new TwilioApiError(400, 63007, `Twilio could not find a Channel with the specified From address: ${from}`);
  const customerPhone = to.startsWith('whatsapp:') ? toE164(to) : null;
  if (!customerPhone || `whatsapp:${customerPhone}` !== to) {
    throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  }

  const body = form.get('Body') ?? '';
  const mediaUrls = form.getAll('MediaUrl').filter(Boolean);
  const contentSid = form.get('ContentSid')?.trim() || null;
  if (!body && !mediaUrls.length && !contentSid) {
    throw new TwilioApiError(400, 21619, 'A text message body or media urls must be specified.');
  }
  if (body.length > MAX_BODY) throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  if (mediaUrls.length > 1) throw new TwilioApiError(400, 21623, 'WhatsApp accepts one media file per message.');
  if (mediaUrls.some((u) => !isHttpUrl(u))) throw new TwilioApiError(400, 21620, 'Invalid media URL(s).');
  const statusCallback = form.get('StatusCallback')?.trim() || null;
  if (statusCallback && !isHttpUrl(statusCallback)) throw new TwilioApiError(400, 21609, 'Invalid StatusCallback URL.');

  let rendered: string | null = null;
  let contentVariables: Record<string, string> | null = null;
  if (contentSid) {
    const raw = form.get('ContentVariables');
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as unknown;
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        contentVariables = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      } catch {
        throw new TwilioApiError(400, 21656, 'The ContentVariables Parameter is invalid.');
      }
    }
    rendered = await renderTemplate(getDb(), { contentSid, variables: contentVariables ?? {} });
    if (rendered === null) throw new TwilioApiError(400, 21655, 'The ContentSid is Invalid.');
  }

  const db = getDb();
  // Taken now, in arrival order: the switch fails exactly the next send, whatever runs concurrently.
  const failCode = await takeFailNextErrorCode(db, { channelId: channel.id });
  const sid = newSid(mediaUrls.length ? 'MM' : 'SM');
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    raw[key] = values.length > 1 ? values : values[0]!;
  }
  const message = await insertSimulatorMessage(db, {
    channelId: channel.id,
    sid,
    direction: 'to_customer',
    customerPhone,
    body: rendered ?? body,
    contentSid,
    contentVariables,
    templateActions: contentSid ? sampleActions(accountSid, contentSid) : null,
    media: mediaUrls.map((url) => ({ sid: newSid('ME'), url, contentType: '' })),
    status: 'queued',
    errorCode: failCode,
    statusCallback,
    raw,
  });
  // Twilio answers first and calls back later; the callback may still beat the sender's own bookkeeping.
  setTimeout(() => {
    deliverToCustomer({ channel, sid, failCode }).catch((err: unknown) =>
      logger.error({ err, sid }, 'simulator delivery failed'),
    );
  }, 150);
  return toTwilioMessageJson(message, accountSid, channel);
}

/**
 * GET /2010-04-01/Accounts/{AccountSid}/Messages.json: Twilio's List Messages, newest first, with
 * its To, From, PageSize and Page filters (what `client.messages.list` sends; Parley's send job
 * asks it whether an attempt it lost track of went through). The DateSent filters are not kept.
 */
export async function listSimulatedMessages({ accountSid, channels, query }: { accountSid: string; channels: Channel[]; query: URLSearchParams }) {
  const pageSize = query.has('PageSize') ? Number(query.get('PageSize')) : 50;
  const page = query.has('Page') ? Number(query.get('Page')) : 0;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new TwilioApiError(400, 20001, 'PageSize must be between 1 and 1000.');
  if (!Number.isInteger(page) || page < 0) throw new TwilioApiError(400, 20001, 'Page must be a non-negative integer.');
  let channelIds = channels.map((c) => c.id);
  let customerPhone: string | undefined;
  const directions = new Set<SimulatorMessage['direction']>();
  // An address is either one of the account's numbers or a customer's phone, both as `whatsapp:+E164`.
  for (const [param, value] of [['From', query.get('From')], ['To', query.get('To')]] as const) {
    if (!value) continue;
    const number = value.replace(/^whatsapp:/, '');
    const channel = channels.find((c) => c.phoneNumber === number);
    if (channel) {
      channelIds = channelIds.filter((id) => id === channel.id);
      directions.add(param === 'From' ? 'to_customer' : 'from_customer');
    } else {
      if (customerPhone && customerPhone !== number) channelIds = [];
      customerPhone = number;
      directions.add(param === 'From' ? 'from_customer' : 'to_customer');
    }
  }
  const rows =
    directions.size > 1
      ? [] // From and To both a number of the account, or both a customer: no such message
      : await listSimulatorMessagesPage(getDb(), { channelIds, customerPhone, direction: [...directions][0], limit: pageSize + 1, offset: page * pageSize });
  const byId = new Map(channels.map((c) => [c.id, c]));
  const base = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
  const pageUri = (n: number) => {
    const q = new URLSearchParams();
    for (const key of ['To', 'From'] as const) if (query.get(key)) q.set(key, query.get(key)!);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(n));
    return `${base}?${q.toString()}`;
  };
  const items = rows.slice(0, pageSize);
  return {
    messages: items.map((m) => toTwilioMessageJson(m, accountSid, byId.get(m.channelId)!)),
    start: page * pageSize,
    end: page * pageSize + Math.max(0, items.length - 1),
    page,
    page_size: pageSize,
    uri: pageUri(page),
    first_page_uri: pageUri(0),
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    next_page_uri: rows.length > pageSize ? pageUri(page + 1) : null,
  };
}

/** GET /2010-04-01/Accounts/{AccountSid}.json: what "check credentials" fetches. */
export function toTwilioAccountJson(accountSid: string, channels: Channel[]) {
  const created = channels.reduce((min, c) => (c.createdAt < min ? c.createdAt : min), channels[0]!.createdAt);
  return {
    auth_token: '[redacted]',
    date_created: rfc2822(created),
    date_updated: rfc2822(created),
    friendly_name: 'Parley simulator account',
    owner_account_sid: accountSid,
    sid: accountSid,
    status: 'active',
    subresource_uris: { messages: `/${API_VERSION}/Accounts/${accountSid}/Messages.json` },
    type: 'Full',
    uri: `/${API_VERSION}/Accounts/${accountSid}.json`,
  };
}
