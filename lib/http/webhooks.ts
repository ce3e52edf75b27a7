import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDb } from '@/db/client';
import { getConfig } from '@/lib/config';
import { ingestInboundMessage } from '@/lib/conversations/ingest';
import { receiveStatusCallback } from '@/lib/conversations/statuses';
import { AppError, errorResponse } from '@/lib/errors';
import { MAX_WEBHOOK_BYTES } from './twilio-webhook';

/**
 * Twilio's two webhooks, served at the node:http level by the custom server (server.ts) before
 * Next.js sees the request:
 *   POST /api/webhooks/twilio/{channelId}         "a message comes in" → empty TwiML
 *   POST /api/webhooks/twilio/{channelId}/status  status callback      → 204
 * They are machine-to-machine, high-volume and need nothing from the App Router (no session, no
 * React); its request pipeline cost about 1.3 ms of CPU per webhook here, more than filing the
 * message. Behaviour lives in lib/conversations (ingest, statuses); this is the thin route.
 */
const WEBHOOK_PATH = /^\/api\/webhooks\/twilio\/([^/?#]+)(\/status)?\/?$/;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Serves the request if it is one of Twilio's webhooks; false (untouched) otherwise. */
export function handleTwilioWebhook(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const m = WEBHOOK_PATH.exec(q === -1 ? url : url.slice(0, q));
  if (!m) return false;
  // The id is used as sent (a channel id is a UUID, nothing to decode): anything else is a 404.
  void serve(req, res, m[1]!, !!m[2], url).catch((err: unknown) => send(res, errorResponse(err)));
  return true;
}

async function serve(req: IncomingMessage, res: ServerResponse, channelId: string, status: boolean, url: string): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'method_not_allowed', message: 'Twilio webhooks are POSTed.' } }));
    return;
  }
  const params = await readForm(req);
  const request = {
    channelId,
    signature: headerOf(req, 'x-twilio-signature'),
    // Twilio signs the URL it was given: PUBLIC_URL + path + query, whatever proxy is in between.
    url: `${getConfig().publicUrl}${url}`,
    params,
  };
  if (status) {
    await receiveStatusCallback(getDb(), request);
    res.writeHead(204).end();
  } else {
    await ingestInboundMessage(getDb(), request);
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(EMPTY_TWIML);
  }
}

const headerOf = (req: IncomingMessage, name: string): string | null => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
};

/** Twilio's application/x-www-form-urlencoded body: 400 if it is not one, 413 past the limit. */
async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const type = (headerOf(req, 'content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    throw new AppError('bad_request:Twilio webhooks are application/x-www-form-urlencoded.');
  }
  if (Number(headerOf(req, 'content-length') ?? 0) > MAX_WEBHOOK_BYTES) {
    req.resume();
    throw new AppError('payload_too_large:The webhook body is too large.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BYTES) {
      req.resume();
      throw new AppError('payload_too_large:The webhook body is too large.');
    }
    chunks.push(chunk as Buffer);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) out[k] = v;
  return out;
}

/** Writes an error Response (the API's `{error}` shape) to a node response. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  if (res.headersSent) return void res.end();
  const body = await response.text();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}
