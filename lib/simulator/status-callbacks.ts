import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { simulatorMessages, type Channel, type SimulatorMedia, type SimulatorMessage } from '@/db/schema';
import { getSimulatorMessageBySid, updateSimulatorMessage } from '@/db/queries/simulator';
import { channelAuthToken } from '@/lib/channels/credentials';
import { logger } from '@/lib/logger';
import { postSignedWebhook } from './webhook-params';
import { MAX_MEDIA_BYTES, storeMedia } from '@/lib/media/storage';

type CallbackStatus = 'sent' | 'delivered' | 'read' | 'failed';

/**
 * Twilio's status callback for a WhatsApp message: form-encoded, signed with the account's auth
 * token over the exact StatusCallback URL and every parameter (X-Twilio-Signature).
 */
export async function postStatusCallback(
  channel: Channel,
  message: SimulatorMessage,
  status: CallbackStatus,
  errorCode?: string | null,
): Promise<number | null> {
  if (!message.statusCallback || !channel.accountSid) return null;
  const params: Record<string, string> = {
    AccountSid: channel.accountSid,
    ApiVersion: '2010-04-01',
    ChannelPrefix: 'whatsapp',
    ChannelToAddress: message.customerPhone,
    From: `whatsapp:${channel.phoneNumber}`,
    MessageSid: message.sid,
    MessageStatus: status,
    SmsSid: message.sid,
    SmsStatus: status,
    StructuredMessage: 'false',
    To: `whatsapp:${message.customerPhone}`,
  };
  if (errorCode) params.ErrorCode = errorCode;
  // Twilio gives up on a callback after a few tries; so does the simulator (network errors and 5xx).
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const res = await postSignedWebhook({
        url: message.statusCallback,
        authToken: channelAuthToken(channel),
        params,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 500) return res.status;
      logger.warn({ sid: message.sid, status, http: res.status }, 'simulator status callback refused');
    } catch (err) {
      logger.warn({ err, sid: message.sid, status }, 'simulator status callback failed');
    }
    await new Promise((r) => setTimeout(r, 300 * attempt));
  }
  return null;
}

/** Fetches an outbound MediaUrl the way WhatsApp does, keeping a copy for the simulated phone. */
async function fetchOutboundMedia(media: SimulatorMedia): Promise<SimulatorMedia> {
  const res = await fetch(media.url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok || !res.body) throw new Error(`media answered ${res.status}`);
  const stored = await storeMedia(res.body as unknown as AsyncIterable<Uint8Array>, { maxBytes: MAX_MEDIA_BYTES });
  const disposition = res.headers.get('content-disposition') ?? '';
  const filename = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  return {
    ...media,
    contentType: (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim(),
    storageKey: stored.storageKey,
    size: stored.size,
    ...(filename ? { filename: decodeURIComponent(filename) } : {}),
  };
}

/** After the 201: fetch media, then "sent" — or "failed" with the error code the switch chose. */
export async function deliverToCustomer({ channel, sid, failCode }: { channel: Channel; sid: string; failCode: string | null }) {
  const db = getDb();
  const message = await getSimulatorMessageBySid(db, { sid });
  if (!message) return;
  let code = failCode;
  let media = message.media;
  if (!code && media.length) {
    try {
      media = await Promise.all(media.map(fetchOutboundMedia));
    } catch (err) {
      logger.warn({ err, sid }, 'simulator could not fetch outbound media');
      code = '63019';
    }
  }
  const status: CallbackStatus = code ? 'failed' : 'sent';
  const updated = await updateSimulatorMessage(db, { sid, values: { status, errorCode: code, media } });
  if (updated) await postStatusCallback(channel, updated, status, code);
}

const FORWARD_FROM: Record<'delivered' | 'read', string[]> = { delivered: ['sent'], read: ['delivered'] };

async function advance(channel: Channel, sid: string, to: 'delivered' | 'read'): Promise<boolean> {
  const [row] = await getDb()
    .update(simulatorMessages)
    .set({ status: to, updatedAt: sql`now()` })
    .where(
      and(
        eq(simulatorMessages.sid, sid),
        eq(simulatorMessages.channelId, channel.id),
        eq(simulatorMessages.direction, 'to_customer'),
        inArray(simulatorMessages.status, FORWARD_FROM[to]),
      ),
    )
    .returning();
  if (!row) return false;
  await postStatusCallback(channel, row, to);
  return true;
}

/**
 * The simulated phone received (`delivered`) or showed (`read`) messages: each moves forward only,
 * and read is preceded by delivered, each with its own status callback, the way WhatsApp reports them.
 */
export async function markSeenByCustomer({
  channel,
  sids,
  status,
}: {
  channel: Channel;
  sids: string[];
  status: 'delivered' | 'read';
}): Promise<number> {
  let changed = 0;
  for (const sid of sids) {
    const delivered = await advance(channel, sid, 'delivered');
    const read = status === 'read' ? await advance(channel, sid, 'read') : false;
    if (delivered || read) changed++;
  }
  return changed;
}
