import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config';
import { isJsonContentType, stripNul, withoutNul } from '@/lib/http/body';
import { bodyCapFor, isMisdirected, MAX_BODY_BYTES, MAX_UPLOAD_BODY_BYTES } from '@/lib/security/front-door';
import { contentSecurityPolicy } from '@/lib/security/headers';
import { comesFromAnotherOrigin, isCrossOriginWrite } from '@/lib/security/origin';
import { safeNextPath } from '@/lib/security/redirect';

const PUB = 'http://localhost:3000';
const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('cross-origin writes', () => {
  it('refuses a write from a sibling app on another port, a subdomain or a sandboxed frame', () => {
    for (const origin of ['http://localhost:4000', 'http://evil.localhost:3000', 'https://localhost:3000', 'null']) {
      expect(isCrossOriginWrite('POST', headers({ host: 'localhost:3000', origin }), PUB), origin).toBe(true);
    }
    // Sec-Fetch-Site decides when present, whatever Origin says.
    expect(isCrossOriginWrite('DELETE', headers({ host: 'localhost:3000', 'sec-fetch-site': 'same-site' }), PUB)).toBe(true);
    expect(isCrossOriginWrite('PUT', headers({ 'sec-fetch-site': 'cross-site', origin: PUB }), PUB)).toBe(true);
  });

  it('lets the app itself, direct navigation and non-browser clients through', () => {
    expect(isCrossOriginWrite('POST', headers({ host: 'localhost:3000', origin: PUB }), PUB)).toBe(false);
    expect(isCrossOriginWrite('POST', headers({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }), PUB)).toBe(false);
    expect(isCrossOriginWrite('POST', headers({ 'sec-fetch-site': 'same-origin' }), PUB)).toBe(false);
    expect(isCrossOriginWrite('POST', headers({ 'sec-fetch-site': 'none' }), PUB)).toBe(false);
    expect(isCrossOriginWrite('POST', headers({ host: 'localhost:3000' }), PUB)).toBe(false); // curl, the Twilio SDK
    // Behind a proxy the Host may be internal: PUBLIC_URL's origin is ours too.
    expect(isCrossOriginWrite('PATCH', headers({ host: '10.0.0.5:3000', origin: PUB }), PUB)).toBe(false);
  });

  it('never refuses a read; a socket handshake (a GET) is judged by comesFromAnotherOrigin', () => {
    expect(isCrossOriginWrite('GET', headers({ origin: 'http://localhost:4000' }), PUB)).toBe(false);
    expect(comesFromAnotherOrigin(headers({ host: 'localhost:3000', origin: 'http://localhost:4000' }), PUB)).toBe(true);
  });
});

describe('sign-in redirects', () => {
  it('keeps paths of this site', () => {
    expect(safeNextPath('/inbox')).toBe('/inbox');
    expect(safeNextPath('/history/abc?q=x#m1')).toBe('/history/abc?q=x#m1');
  });
  it('refuses every spelling a browser reads as another site', () => {
    for (const next of ['//evil.host', '/\\evil.host/x', '/\t/evil.host', '/\n/evil.host', 'https://evil.host', '\\\\evil.host', '/%09/evil.host', ' /x', '/login', '/api/v1/me', null, '']) {
      const out = safeNextPath(next);
      if (out !== null) expect(new URL(out, 'http://parley.test').host, String(next)).toBe('parley.test');
      if (next && /^(\/\/|\/\\|\/\t|\/\n|https:|\\\\)/.test(next)) expect(out, JSON.stringify(next)).toBeNull();
    }
  });
});

describe('bodies', () => {
  it('takes only a JSON media type as JSON (not text/plain with a json parameter)', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/merge-patch+json')).toBe(true);
    expect(isJsonContentType('text/plain; x=application/json')).toBe(false);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });
  it('caps uploads at 17 MB and everything else at 1 MB', () => {
    expect(bodyCapFor('/api/v1/attachments')).toBe(MAX_UPLOAD_BODY_BYTES);
    expect(bodyCapFor('/api/simulator/channels/abc/messages')).toBe(MAX_UPLOAD_BODY_BYTES);
    expect(bodyCapFor('/api/v1/users')).toBe(MAX_BODY_BYTES);
    expect(bodyCapFor('/api/v1/attachments-evil')).toBe(MAX_BODY_BYTES);
  });
  it('drops NUL characters from text, keys and nested values', () => {
    expect(stripNul('a\u0000b')).toBe('ab');
    expect(withoutNul({ 'k\u0000': ['x\u0000', { y: 'z\u0000' }], n: 1 })).toEqual({ k: ['x', { y: 'z' }], n: 1 });
  });
});

describe('the embedded default', () => {
  it('listens on loopback unless HOST says otherwise; a deployment listens everywhere', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({}).loopbackOnly).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0' }).loopbackOnly).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }).host).toBe('0.0.0.0');
  });
  it('answers on loopback names and PUBLIC_URL only (DNS rebinding)', () => {
    expect(isMisdirected('localhost:3000', PUB)).toBe(false);
    expect(isMisdirected('127.0.0.1:3000', PUB)).toBe(false);
    expect(isMisdirected('[::1]:3000', PUB)).toBe(false);
    expect(isMisdirected('parley.example.com', 'https://parley.example.com')).toBe(false);
    expect(isMisdirected('evil.example:3000', PUB)).toBe(true);
  });
});

describe('content security policy', () => {
  it('runs only nonce-bearing scripts and cannot be framed', () => {
    const csp = contentSecurityPolicy({ nonce: 'abc', dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});
