import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { messages, users } from '@/db/schema';
import { serializeError } from '@/lib/logger';
import { startTestApp, type TestApp } from '../helpers/app';
import { sessionCookie } from '../helpers/session';
import { createTwilioChannel, inboundParams, postInbound, type TestChannel } from '../helpers/twilio';

let app: TestApp;
let cookie: string;
let ch: TestChannel;
const hostile = 'http://127.0.0.1:4999'; // another port of the same site: SameSite cookies still go

beforeAll(async () => {
  app = await startTestApp();
  const admin = await app.createUser({ role: 'admin', email: 'root@example.test' });
  cookie = await sessionCookie(admin);
  ch = await createTwilioChannel(app);
});
afterAll(() => app?.close());

const newAdmin = (email: string) => JSON.stringify({ email, name: 'Mallory', password: 'mallory-password', role: 'admin' });
const userExists = async (email: string) =>
  (await app.runtime.db.db.select().from(users).where(eq(users.email, email))).length > 0;

describe('cross-site request forgery', () => {
  it("refuses a signed-in admin's browser creating an admin for a page on another port (as text/plain, no preflight)", async () => {
    const res = await app.fetch('/api/v1/users', {
      method: 'POST',
      headers: { cookie, origin: hostile, 'content-type': 'text/plain;charset=UTF-8' },
      body: newAdmin('mallory1@example.test'),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('cross_origin');
    expect(await userExists('mallory1@example.test')).toBe(false);
  });

  it('judges by Sec-Fetch-Site when the browser sends it: same-site is not same-origin', async () => {
    for (const site of ['same-site', 'cross-site']) {
      const res = await app.fetch('/api/v1/me/presence', {
        method: 'PUT',
        headers: { cookie, 'sec-fetch-site': site, 'content-type': 'application/json' },
        body: JSON.stringify({ presence: 'available' }),
      });
      expect(res.status, site).toBe(403);
    }
  });

  it('refuses a cross-origin upload and a cross-origin sign-in form alike (every route, not a list)', async () => {
    const form = new FormData();
    form.set('file', new Blob([Buffer.from('%PDF-1.4\n')], { type: 'application/pdf' }), 'x.pdf');
    const upload = await app.fetch('/api/v1/attachments', { method: 'POST', headers: { cookie, origin: hostile }, body: form });
    expect(upload.status).toBe(403);
    const signIn = await app.fetch('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { origin: hostile, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a&password=b',
    });
    expect(signIn.status).toBe(403);
  });

  it('takes the same request from the app itself, and JSON only as application/json', async () => {
    const ok = await app.fetch('/api/v1/users', {
      method: 'POST',
      headers: { cookie, origin: app.url, 'content-type': 'application/json' },
      body: newAdmin('colleague@example.test'),
    });
    expect(ok.status).toBe(201);
    // A "simple" content type that merely mentions JSON is not JSON (no Origin: a non-browser caller).
    const sneaky = await app.fetch('/api/v1/users', {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain; x=application/json' },
      body: newAdmin('mallory2@example.test'),
    });
    expect(sneaky.status).toBe(415);
    expect(await userExists('mallory2@example.test')).toBe(false);
  });
});

/** Streams `total` bytes chunked (no Content-Length) and reports the answer and how much got out. */
function streamBody(path: string, total: number, headers: Record<string, string>): Promise<{ status: number; written: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, app.url);
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let answered = false;
    let status = 0;
    let body = '';
    req.on('response', (res) => {
      answered = true;
      status = res.statusCode ?? 0;
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status, written, body }));
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('bodies are capped while they stream', () => {
  it('cuts off a 200 MB chunked JSON body to the unauthenticated token route, reading only a little of it', async () => {
    const rss = process.memoryUsage().rss;
    const { status, written, body } = await streamBody('/api/v1/auth/token', 200 * 1024 * 1024, { 'content-type': 'application/json' });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe('payload_too_large');
    // Before: the server buffered all 200 MB (and grew by ~855 MB) before answering 401.
    expect(written).toBeLessThan(40 * 1024 * 1024);
    console.log(`200 MB chunked JSON: answered 413 after ${(written / 1048576).toFixed(1)} MB sent; test process RSS +${((process.memoryUsage().rss - rss) / 1048576).toFixed(0)} MB`);
  });

  it('cuts off a 300 MB chunked upload past the 17 MB upload cap', async () => {
    const { status, written } = await streamBody('/api/v1/attachments', 300 * 1024 * 1024, {
      cookie,
      origin: app.url,
      'content-type': 'multipart/form-data; boundary=x',
    });
    expect(status).toBe(413);
    expect(written).toBeLessThan(60 * 1024 * 1024);
    console.log(`300 MB chunked upload: answered 413 after ${(written / 1048576).toFixed(1)} MB sent`);
  });

  it('refuses a declared Content-Length over the cap before reading anything', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(new URL('/api/v1/auth/token', app.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      });
      req.on('response', (r) => resolve(r.statusCode ?? 0));
      req.on('error', reject);
      req.write('{"email":');
    });
    expect(res).toBe(413);
  });
});

describe('security headers', () => {
  it('every answer says: no framing, no sniffing, same-origin referrers, nonce-only scripts', async () => {
    const res = await app.fetch('/api/health');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    const again = await app.fetch('/api/health');
    expect(again.headers.get('content-security-policy')).not.toBe(csp); // a new nonce per request
  });
});

describe('text Postgres cannot store', () => {
  it('files a webhook whose Body and ProfileName hold NUL characters instead of answering 500 (Twilio would drop it)', async () => {
    const params = inboundParams(ch.channel, { Body: 'order\u0000 42\u0000', ProfileName: 'Ana\u0000' }, '+14155550777');
    const res = await postInbound(app, ch, params);
    expect(res.status).toBe(200);
    const [m] = await app.runtime.db.db.select().from(messages).where(eq(messages.providerMessageId, params.MessageSid!));
    expect(m?.body).toBe('order 42');
  });

  it('logs a failed statement with its SQL and code, never the data it carried', async () => {
    const secret = 'my card number is 4111 1111 1111 1111';
    const err = await app.runtime.db.db
      .execute(sql`select ${`{"Body":"${secret}\\u0000"}`}::jsonb`)
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).toContain('4111'); // the raw error quotes it
    const logged = JSON.stringify(serializeError(err));
    expect(logged).not.toContain('4111');
    expect(logged).toMatch(/22P05|Failed query/);
  });
});
