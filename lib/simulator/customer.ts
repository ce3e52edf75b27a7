import { getDb } from '@/db/client';
import type { Channel, SimulatorMedia, SimulatorMessage } from '@/db/schema';
import { getSimulatorMessageBySid, insertSimulatorMessage, updateSimulatorMessage } from '@/db/queries/simulator';
import { channelAuthToken } from '@/lib/channels/credentials';
import { simulatorBaseUrl } from '@/lib/channels/simulator';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { storeMedia } from '@/lib/media/storage';
import { toE164 } from '@/lib/phone';
import { buildInboundParams, postSignedWebhook } from './webhook-params';
import { newSid } from './sids';

/** Files a simulated customer may pick: a little over WhatsApp's 16 MB, so Parley's own limit can be seen. */
export const MAX_CUSTOMER_FILE_BYTES = 20 * 1024 * 1024;

export type CustomerMessage = {
  from: string;
  profileName?: string | null;
  text?: string | null;
  file?: { data: Buffer | AsyncIterable<Uint8Array>; contentType: string; filename?: string | null } | null;
  location?: { latitude: number; longitude: number; address?: string; label?: string } | null;
  button?: { text: string; payload?: string | null } | null;
  replyToSid?: string | null;
};

export function webhookUrlFor(channelId: string): string {
  return `${getConfig().publicUrl}/api/webhooks/twilio/${channelId}`;
}

/** Where Parley downloads a simulated customer's file: Twilio's media URL shape, behind the same Basic auth. */
export function customerMediaUrl(accountSid: string, messageSid: string, mediaSid: string): string {
  return `${simulatorBaseUrl()}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
}

/**
 * A simulated customer writes: the message is kept for the phone view, then posted to Parley's
 * Twilio webhook exactly as Twilio would (same route, same parameters, same signature).
 */
export async function sendCustomerMessage(channel: Channel, input: CustomerMessage): Promise<SimulatorMessage> {
  const customerPhone = toE164(input.from, channel.defaultCountry);
  if (!customerPhone) throw new AppError('validation_failed:from: not a phone number.');
  if (customerPhone === channel.phoneNumber) throw new AppError('validation_failed:from: that is the channel’s own number.');
  if (!channel.accountSid) throw new AppError('unprocessable:This simulator channel has no Account SID.');
  const text = input.text?.trim() ? input.text : null;
  if (!text && !input.file && !input.location && !input.button?.text) {
    throw new AppError('validation_failed:Write something, or pick a file, a location or a button.');
  }
  if (text && text.length > 4096) throw new AppError('validation_failed:text: WhatsApp messages are at most 4096 characters.');

  const db = getDb();
  if (input.replyToSid && !(await getSimulatorMessageBySid(db, { sid: input.replyToSid }))) {
    throw new AppError('validation_failed:replyToSid: no such message.');
  }
  const sid = newSid(input.file ? 'MM' : 'SM');
  let media: SimulatorMedia | null = null;
  if (input.file) {
    const stored = await storeMedia(input.file.data, { maxBytes: MAX_CUSTOMER_FILE_BYTES });
    const mediaSid = newSid('ME');
    media = {
      sid: mediaSid,
      url: customerMediaUrl(channel.accountSid, sid, mediaSid),
      contentType: input.file.contentType || 'application/octet-stream',
      storageKey: stored.storageKey,
      size: stored.size,
      ...(input.file.filename ? { filename: input.file.filename } : {}),
    };
  }
  const button = input.button?.text
    ? { text: input.button.text, payload: input.button.payload || input.button.text.toUpperCase().replace(/\W+/g, '_') }
    : null;
  const params = buildInboundParams({
    accountSid: channel.accountSid,
    channelNumber: channel.phoneNumber,
    customerPhone,
    profileName: input.profileName?.trim() || null,
    messageSid: sid,
    body: text,
    media,
    location: input.location,
    button,
    replyToSid: input.replyToSid,
  });
  await insertSimulatorMessage(db, {
    channelId: channel.id,
    sid,
    direction: 'from_customer',
    customerPhone,
    profileName: input.profileName?.trim() || null,
    body: button ? button.text : text,
    media: media ? [media] : [],
    location: input.location ?? null,
    button,
    replyToSid: input.replyToSid ?? null,
    status: 'sending',
    raw: params,
  });

  let webhookStatus = 0;
  try {
    const res = await postSignedWebhook({ url: webhookUrlFor(channel.id), authToken: channelAuthToken(channel), params });
    webhookStatus = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    logger.warn({ err, sid }, 'simulator could not reach the webhook');
  }
  const accepted = webhookStatus >= 200 && webhookStatus < 300;
  const updated = await updateSimulatorMessage(db, {
    sid,
    values: { status: accepted ? 'accepted' : 'rejected', webhookStatus: webhookStatus || null },
  });
  return updated!;
}
