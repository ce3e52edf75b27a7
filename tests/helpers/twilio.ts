import { createHmac, randomBytes } from 'node:crypto';
import { insertChannel } from '@/db/queries/channels';
import { insertQueue } from '@/db/queries/queues';
import type { Channel, Queue } from '@/db/schema';
import { encryptSecret } from '@/lib/crypto';
import type { TestApp } from './app';

/**
 * X-Twilio-Signature as Twilio computes it (written out here, independent of the SDK): HMAC-SHA1
 * with the auth token over the URL followed by every POST parameter's name and value, sorted by name.
 */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export const sid = (prefix = 'SM') => prefix + randomBytes(16).toString('hex');

export type TestChannel = { channel: Channel; queue: Queue; authToken: string; accountSid: string };

/** A Twilio channel (with its own queue) whose auth token the test knows. */
export async function createTwilioChannel(
  app: TestApp,
  values: Partial<typeof import('@/db/schema').channels.$inferInsert> = {},
): Promise<TestChannel> {
  const db = app.runtime.db.db;
  const authToken = randomBytes(16).toString('hex');
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const queue = await insertQueue(db, { name: `queue-${randomBytes(4).toString('hex')}` });
  const channel = await insertChannel(db, {
    name: 'WhatsApp test',
    provider: 'twilio',
    phoneNumber: `+1415${Math.floor(1_000_000 + Math.random() * 8_999_999)}`,
    accountSid,
    authTokenEncrypted: encryptSecret(authToken, process.env.ENCRYPTION_KEY!),
    queueId: queue.id,
    ...values,
  });
  return { channel, queue, authToken, accountSid };
}

/** Twilio's "a message comes in" fields for a WhatsApp text from `from`. */
export function inboundParams(
  channel: Channel,
  overrides: Record<string, string> = {},
  from = '+14155550100',
): Record<string, string> {
  const messageSid = overrides.MessageSid ?? sid();
  return {
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ProfileName: 'Ana Cliente',
    MessageType: 'text',
    SmsSid: messageSid,
    WaId: from.replace('+', ''),
    SmsStatus: 'received',
    Body: 'Hola',
    To: `whatsapp:${channel.phoneNumber}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: messageSid,
    AccountSid: channel.accountSid ?? '',
    From: `whatsapp:${from}`,
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

/** Posts a form webhook signed like Twilio (or with `signature` forced) to `path` under the app. */
export async function postSigned(
  app: TestApp,
  path: string,
  params: Record<string, string>,
  { authToken, signature, signedUrl }: { authToken: string; signature?: string | null; signedUrl?: string },
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const sig = signature === undefined ? signTwilio(authToken, signedUrl ?? app.url + path, params) : signature;
  if (sig !== null) headers['x-twilio-signature'] = sig;
  return app.fetch(path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

export const webhookPath = (channel: Pick<Channel, 'id'>) => `/api/webhooks/twilio/${channel.id}`;
export const statusPath = (channel: Pick<Channel, 'id'>) => `/api/webhooks/twilio/${channel.id}/status`;

/** Posts an inbound message webhook for the test channel. */
export function postInbound(app: TestApp, ch: TestChannel, params: Record<string, string>): Promise<Response> {
  return postSigned(app, webhookPath(ch.channel), params, { authToken: ch.authToken });
}

/** Polls `check` until it returns a value (or the time runs out). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
