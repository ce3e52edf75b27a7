import type { Db } from '@/db/client';
import type { Channel } from '@/db/schema';
import { getChannelById } from '@/db/queries/channels';
import { AppError, onceMoreIfDatabaseDown } from '@/lib/errors';
import { withoutNul } from '@/lib/http/body';
import { logger } from '@/lib/logger';
import { isValidTwilioSignature } from './twilio-signature';

/** Twilio's webhooks are a few KB at most (Body ≤ 4096 characters, ≤ 10 media URLs). */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

export type TwilioWebhookRequest = { channelId: string; signature: string | null; url: string; params: Record<string, string> };

// Every webhook needs its channel: a short-lived cache saves that round trip on the hot path. An admin's
// change (deactivation, new auth token) takes effect within CHANNEL_TTL_MS.
const CHANNEL_TTL_MS = 2_000;
const channelCache = new Map<string, { channel: Channel; at: number }>();
// One read per channel at a time: the webhooks that find the cache expired together share it.
const loading = new Map<string, Promise<Channel | undefined>>();

async function loadChannel(db: Db, id: string): Promise<Channel | undefined> {
  const hit = channelCache.get(id);
  if (hit && Date.now() - hit.at < CHANNEL_TTL_MS) return hit.channel;
  let load = loading.get(id);
  if (!load) {
    load = readChannel(db, id).finally(() => loading.delete(id));
    loading.set(id, load);
  }
  return load;
}

async function readChannel(db: Db, id: string): Promise<Channel | undefined> {
  const channel = await onceMoreIfDatabaseDown(() => getChannelById(db, { id }));
  if (channel) {
    if (channelCache.size > 1000) channelCache.clear();
    channelCache.set(id, { channel, at: Date.now() });
  } else channelCache.delete(id);
  return channel;
}

/** The channel a webhook is for: 404 when unknown or inactive (an inactive one is logged). */
export async function requireWebhookChannel(db: Db, channelId: string): Promise<Channel> {
  const channel = /^[0-9a-f-]{36}$/i.test(channelId) ? await loadChannel(db, channelId.toLowerCase()) : undefined;
  if (!channel || (channel.provider !== 'twilio' && channel.provider !== 'simulator')) {
    throw new AppError('not_found:No such channel.');
  }
  if (!channel.active) {
    logger.warn({ channelId }, 'webhook for an inactive channel refused');
    throw new AppError('not_found:No such channel.');
  }
  return channel;
}

/**
 * 404 for an unknown channel, 403 unless Twilio (or the simulator) signed exactly this URL and these
 * parameters. Once verified, the parameters are made storable: a NUL character (which Postgres text
 * and jsonb cannot hold, so the whole webhook would fail and Twilio would drop the message) is removed.
 */
export async function verifyTwilioWebhook(db: Db, request: TwilioWebhookRequest): Promise<Channel> {
  const channel = await requireWebhookChannel(db, request.channelId);
  if (!isValidTwilioSignature(channel, request)) {
    logger.warn({ channelId: channel.id, signed: !!request.signature }, 'webhook signature refused');
    throw new AppError('forbidden:The X-Twilio-Signature does not match this request.');
  }
  request.params = withoutNul(request.params);
  return channel;
}
