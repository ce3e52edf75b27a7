import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDb, type Db } from '@/db/client';
import type { Channel } from '@/db/schema';
import { getChannelById } from '@/db/queries/channels';
import { adapterFor, webhookAdapterFor, type WebhookAdapter, type WebhookBatch, type WebhookReply, type WebhookRequest } from '@/lib/channels';
import { getConfig } from '@/lib/config';
import { receiveInboundMessages } from '@/lib/conversations/ingest';
import { applyStatusUpdates } from '@/lib/conversations/statuses';
import { AppError, errorResponse, onceMoreIfDatabaseDown } from '@/lib/errors';
import { withoutNul } from './body';
import { isUuid } from '@/lib/ids';
import { logger } from '@/lib/logger';

/**
 * The providers' webhooks, served at the node:http level by the custom server (server.ts) before
 * Next.js sees the request:
 *   POST /api/webhooks/{provider}/{channelId}[/subpath]   messages and statuses → the adapter's reply
 *   GET  the same                                          a verification handshake, if the provider has one
 * They are machine-to-machine, high-volume and need nothing from the App Router (no session, no
 * React); its request pipeline cost about 1.3 ms of CPU per webhook here, more than filing the
 * message. The adapter (lib/channels/<provider>) verifies and parses; lib/conversations files.
 */
const WEBHOOK_PATH = /^\/api\/webhooks\/([a-z0-9-]+)\/([^/?#]+)(\/[^?#]*)?$/;

/** Serves the request if it is a provider's webhook; false (untouched) otherwise. */
export function handleWebhook(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const m = WEBHOOK_PATH.exec(q === -1 ? url : url.slice(0, q));
  const webhook = m ? webhookAdapterFor(m[1]!) : undefined;
  const subpath = (m?.[3] ?? '').replace(/\/+$/, '');
  if (!m || !webhook || !webhook.subpaths.includes(subpath)) return false;
  // The id is used as sent (a channel id is a UUID, nothing to decode): anything else is a 404.
  void serve(req, res, { webhook, channelId: m[2]!, subpath, url, query: q === -1 ? '' : url.slice(q + 1) }).catch((err: unknown) =>
    sendError(res, errorResponse(err)),
  );
  return true;
}

type Target = { webhook: WebhookAdapter; channelId: string; subpath: string; url: string; query: string };

async function serve(req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
  const handshake = req.method === 'GET' && !!target.webhook.handshake;
  if (req.method !== 'POST' && !handshake) {
    req.resume();
    const allow = target.webhook.handshake ? 'GET, POST' : 'POST';
    res.writeHead(405, { allow, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'method_not_allowed', message: `This webhook answers ${allow} only.` } }));
    return;
  }
  const rawBody = handshake ? (req.resume(), Buffer.alloc(0)) : await readBody(req, target.webhook.maxBodyBytes);
  const db = getDb();
  const channel = await requireWebhookChannel(db, target);
  const { webhook } = adapterFor(channel.provider);
  const request: WebhookRequest = {
    method: req.method!,
    // The provider signs the URL it was given: PUBLIC_URL + path + query, whatever proxy is in between.
    url: `${getConfig().publicUrl}${target.url}`,
    subpath: target.subpath,
    headers: req.headers,
    query: new URLSearchParams(target.query),
    rawBody,
  };
  if (handshake) return writeReply(res, webhook.handshake!(channel, request));

  webhook.verify(channel, request);
  // Once verified, what the provider sent is made storable: a NUL character (which Postgres text and
  // jsonb cannot hold, so the whole webhook would fail and the provider would drop the message) is removed.
  const batch = withoutNulDeep(webhook.parse(channel, request));
  if (batch.messages.length) await receiveInboundMessages(db, { channel, messages: batch.messages });
  if (batch.statuses.length) await applyStatusUpdates(db, { channel, statuses: batch.statuses });
  writeReply(res, webhook.reply(channel, request, batch));
}

function writeReply(res: ServerResponse, reply: WebhookReply): void {
  res.writeHead(reply.status, reply.headers).end(reply.body);
}

/** withoutNul, but without copying anything when there is no NUL (nearly always). */
function withoutNulDeep(batch: WebhookBatch): WebhookBatch {
  return hasNul(batch) ? withoutNul(batch) : batch;
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}

/** The raw body: 413 past `maxBytes` (declared or sent). */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume();
    throw new AppError('payload_too_large:The webhook body is too large.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      throw new AppError('payload_too_large:The webhook body is too large.');
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

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

/** The channel a webhook is for: 404 when unknown, of another provider, or inactive (an inactive one is logged). */
async function requireWebhookChannel(db: Db, { channelId, webhook }: Target): Promise<Channel> {
  const channel = isUuid(channelId) ? await loadChannel(db, channelId.toLowerCase()) : undefined;
  const served = channel ? tryAdapterFor(channel.provider)?.webhook.segment === webhook.segment : false;
  if (!channel || !served) throw new AppError('not_found:No such channel.');
  if (!channel.active) {
    logger.warn({ channelId }, 'webhook for an inactive channel refused');
    throw new AppError('not_found:No such channel.');
  }
  return channel;
}

function tryAdapterFor(provider: string) {
  try {
    return adapterFor(provider);
  } catch {
    return undefined;
  }
}

/** Writes an error Response (the API's `{error}` shape) to a node response. */
async function sendError(res: ServerResponse, response: Response): Promise<void> {
  if (res.headersSent) return void res.end();
  const body = await response.text();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}
