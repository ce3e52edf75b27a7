import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getConfig, isLoopback } from '@/lib/config';
import { CLIENT_IP_HEADER } from './client-ip';
import { contentSecurityPolicy, securityHeaders } from './headers';
import { isCrossOriginWrite } from './origin';

/**
 * Every HTTP request passes here first (server.ts, and the integration tests' router), before the
 * webhooks and before Next.js: the rules below hold for every route, present and future, instead of
 * being remembered by each one.
 *   1. The caller's address is the TCP peer (or the proxy's X-Forwarded-For with TRUST_PROXY).
 *   2. A state-changing request from another origin's page is refused (CSRF, lib/security/origin.ts).
 *   3. A body is capped while it streams: a declared Content-Length over the cap is refused before a
 *      byte is read, and a chunked body is cut off the moment it passes the cap.
 *   4. Security headers (CSP with a per-request nonce, no framing, nosniff, referrer policy).
 * Returns true when it answered the request itself (refused it).
 */
export function frontDoor(req: IncomingMessage, res: ServerResponse): boolean {
  const config = getConfig();
  req.headers[CLIENT_IP_HEADER] = clientAddress(req, config.trustProxy);

  const nonce = randomBytes(16).toString('base64');
  const csp = contentSecurityPolicy({ nonce, dev: config.env === 'development' });
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  req.headers['content-security-policy'] = csp;
  for (const [k, v] of Object.entries(securityHeaders({ https: config.publicUrl.startsWith('https:') }))) {
    res.setHeader(k, v);
  }
  res.setHeader('content-security-policy', csp);

  const get = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  if (config.loopbackOnly && isMisdirected(get('host'), config.publicUrl)) {
    refuse(req, res, 421, 'misdirected', 'This Parley answers only on this machine, at localhost.');
    return true;
  }
  if (isCrossOriginWrite(req.method, get, config.publicUrl)) {
    refuse(req, res, 403, 'cross_origin', 'This request came from a page of another site and was refused.');
    return true;
  }

  const cap = bodyCapFor(req.url ?? '/');
  const declared = Number(get('content-length') ?? 0);
  if (declared > cap) {
    refuse(req, res, 413, 'payload_too_large', tooLarge(cap));
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') capStreamingBody(req, res, cap);
  return false;
}

/**
 * A Parley that listens on loopback only (the embedded demo) still gets requests from other sites
 * through the person's own browser: DNS rebinding points a hostile name at 127.0.0.1 and reads the
 * answers as that site's own. Such requests name the hostile host, so only loopback names and
 * PUBLIC_URL's host are answered.
 */
export function isMisdirected(host: string | null | undefined, publicUrl: string): boolean {
  if (!host) return false; // HTTP/1.0 without Host: not a browser
  let name: string;
  try {
    name = new URL(`http://${host}`).hostname;
  } catch {
    return true;
  }
  if (isLoopback(name)) return false;
  try {
    return name !== new URL(publicUrl).hostname;
  } catch {
    return true;
  }
}

const MB = 1024 * 1024;
/** Uploads (16 MB files, WhatsApp's limit) with room for the multipart envelope; everything else 1 MB. */
const UPLOAD_PATHS = [/^\/api\/v1\/attachments\/?(\?|$)/, /^\/api\/simulator\/channels\/[^/]+\/messages\/?(\?|$)/];
export const MAX_BODY_BYTES = 1 * MB;
export const MAX_UPLOAD_BODY_BYTES = 17 * MB;

export function bodyCapFor(url: string): number {
  return UPLOAD_PATHS.some((p) => p.test(url)) ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES;
}

const tooLarge = (cap: number) => `The request body is larger than ${Math.round(cap / MB)} MB.`;

/**
 * Counts a body's bytes as the HTTP parser hands them over (IncomingMessage.push), whoever reads it
 * later (Next.js, next-auth, a route's formData()). Past the cap: answer 413, stop buffering, close.
 */
function capStreamingBody(req: IncomingMessage, res: ServerResponse, cap: number): void {
  let size = 0;
  let over = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (over) return false;
    if (chunk !== null && chunk !== undefined) {
      size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Buffer).length;
      if (size > cap) {
        over = true;
        refuse(req, res, 413, 'payload_too_large', tooLarge(cap));
        // The handler reading the body sees it end with an error, not a truncated body.
        req.destroy(Object.assign(new Error('request body over the cap'), { code: 'PAYLOAD_TOO_LARGE' }));
        return false;
      }
    }
    return push(chunk, encoding);
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  if (!res.headersSent) {
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ error: { code, message } }));
  }
  // Whatever the client still sends is not read; the connection closes once the answer is out.
  res.once('finish', () => req.socket.destroySoon?.());
  req.resume();
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((s) => s.trim());
    // The proxy appends the address it saw: the last entry is the one no client could forge.
    const last = list.filter(Boolean).pop();
    if (last) return last;
  }
  return (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}
