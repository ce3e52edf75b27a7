import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, channels, templates } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { freePort } from '../helpers/free-port';

// Every pino line Parley writes in this file, at every level: no line may hold an auth token.
const logLines = await vi.hoisted(async () => {
  const { default: pino } = await import('pino');
  const lines: string[] = [];
  (globalThis as unknown as { __parleyLogger?: unknown }).__parleyLogger = pino(
    { level: 'trace', base: { app: 'parley' }, redact: { paths: ['authToken', '*.authToken', 'password', '*.password', 'token', '*.token'], censor: '[redacted]' } },
    { write: (s: string) => void lines.push(s) },
  );
  return lines;
});

// Twilio's OpenAPI specs live in the shared folder beside the checkout (../shared/twilio-oai).
const SPECS = process.env.TWILIO_OAI_DIR ?? path.resolve(process.cwd(), '../shared/twilio-oai');
const AC = 'AC' + '1'.repeat(32);
const AUTH_TOKEN = 'c0ffee' + 'd'.repeat(26);
const REJECTED_SID = 'AC' + '9'.repeat(32);

const procs: ChildProcess[] = [];
let proxy: Server;
let app: TestApp;
let admin: string;
let agentToken: string;
const seenByTwilio: { path: string; authorized: boolean }[] = [];
const responses: string[] = [];

async function startPrism(spec: string): Promise<string> {
  const port = await freePort();
  const p = spawn(path.resolve('node_modules/.bin/prism'), ['mock', '-h', '127.0.0.1', '-p', String(port), '--errors', path.join(SPECS, spec)], { stdio: 'ignore' });
  procs.push(p);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    if (await fetch(url).then(() => true, () => false)) return url;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`prism did not start for ${spec}`);
}

/**
 * One "Twilio" in front of two Prism mocks (REST API 2010 and Content v1), both strict about the
 * contract. Prism answers the first example (an empty list) unless asked: the proxy asks for the
 * example with results. A request for REJECTED_SID gets Twilio's 401, as wrong credentials would.
 */
async function startTwilio(): Promise<string> {
  const [api, content] = await Promise.all([startPrism('twilio_api_v2010.json'), startPrism('twilio_content_v1.json')]);
  proxy = createServer((req, res) => {
    const url = req.url ?? '/';
    seenByTwilio.push({ path: url, authorized: !!req.headers.authorization?.startsWith('Basic ') });
    if (url.includes(REJECTED_SID)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }));
      return;
    }
    const target = new URL(url, url.startsWith('/v1/') ? content : api);
    const headers = { ...req.headers, host: target.host, ...(url.startsWith('/v1/ContentAndApprovals') ? { prefer: 'example=readResults' } : {}) };
    const up = request(target, { method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

async function call(p: string, init: { method?: string; json?: unknown; token?: string } = {}) {
  const res = await app.fetch(p, { method: init.method ?? 'GET', json: init.json, token: init.token ?? admin });
  const text = await res.text();
  responses.push(text);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads loosely-typed JSON answers
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

let queueId: string;
let channelId: string;

beforeAll(async () => {
  const twilio = await startTwilio();
  app = await startTestApp({ env: { TWILIO_API_BASE_URL: twilio, TWILIO_CONTENT_BASE_URL: twilio, SIMULATOR_ENABLED: 'true' } });
  const a = await app.createUser({ role: 'admin', email: 'admin@example.test' });
  admin = await app.tokenFor(a.email, a.password);
  const ag = await app.createUser({ role: 'agent', email: 'agent@example.test' });
  agentToken = await app.tokenFor(ag.email, ag.password);
  queueId = (await call('/api/v1/queues', { method: 'POST', json: { name: 'Support', memberIds: [ag.id] } })).body.id;
  const ch = await call('/api/v1/channels', {
    method: 'POST',
    json: { name: 'Twilio main', phoneNumber: '+14155550100', accountSid: AC, authToken: AUTH_TOKEN, queueId },
  });
  expect(ch.status).toBe(201);
  channelId = ch.body.id;
}, 180_000);

afterAll(async () => {
  await app?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
  for (const p of procs) p.kill();
});

describe('check credentials (against Twilio REST API contract)', () => {
  it('says plainly that working credentials work, having fetched the account with Basic auth', async () => {
    const res = await call(`/api/v1/channels/${channelId}/check`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, accountStatus: 'active' });
    expect(res.body.message).toMatch(/credentials work/);
    expect(seenByTwilio.some((r) => r.path === `/2010-04-01/Accounts/${AC}.json` && r.authorized)).toBe(true);
    // Twilio's account resource carries the account's auth_token: Parley must not pass it on.
    expect(JSON.stringify(res.body)).not.toContain('auth_token');
  });

  it('says plainly when Twilio rejects the credentials, and when Twilio cannot be reached', async () => {
    const rejected = await call(`/api/v1/channels/${channelId}/check`, { method: 'POST', json: { accountSid: REJECTED_SID, authToken: 'e'.repeat(32) } });
    expect(rejected.body).toMatchObject({ ok: false });
    expect(rejected.body.message).toMatch(/rejected these credentials/);

    // A channel pointed at nowhere: same code path, a network failure.
    await app.runtime.db.db.update(channels).set({ provider: 'simulator' }).where(eq(channels.id, channelId));
    process.env.PUBLIC_URL = 'http://127.0.0.1:9';
    const { resetConfig } = await import('@/lib/config');
    resetConfig();
    try {
      const down = await call(`/api/v1/channels/${channelId}/check`, { method: 'POST' });
      expect(down.body).toMatchObject({ ok: false });
      expect(down.body.message).toMatch(/could not reach Twilio/);
    } finally {
      process.env.PUBLIC_URL = app.url;
      resetConfig();
      await app.runtime.db.db.update(channels).set({ provider: 'twilio' }).where(eq(channels.id, channelId));
    }
    const checks = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.action, 'channel.credentials_checked'));
    expect(checks.map((c) => (c.after as { ok: boolean }).ok)).toEqual([true, false, false]);
  });
});

describe('template import (against Twilio Content API contract)', () => {
  it('imports the account templates with their WhatsApp approval status, once', async () => {
    const res = await call('/api/v1/templates/import', { method: 'POST', json: { channelId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 3, updated: 0 });
    const rows = await app.runtime.db.db.select().from(templates).orderBy(templates.name);
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ['Media Test', 'approved'],
      ['Some content', 'unsubmitted'],
      ['Video Highlights', 'rejected'],
    ]);
    const video = rows.find((r) => r.name === 'Video Highlights')!;
    expect(video).toMatchObject({ contentSid: 'HX15c711fcc6d9ea5268d7ab77938a20ff', category: 'transactional', channelId, language: 'en' });
    expect(video.body).toMatch(/Hi there, \{\{1\}\}/);
    expect(video.variables).toMatchObject({ '1': 'name' });
    expect(seenByTwilio.some((r) => r.path.startsWith('/v1/ContentAndApprovals') && r.authorized)).toBe(true);

    const again = await call('/api/v1/templates/import', { method: 'POST', json: { channelId } });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const log = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.action, 'template.imported'));
    expect(log).toHaveLength(2);
  });

  it('offers agents only the approved templates; admins see all', async () => {
    const forAgent = await call(`/api/v1/templates?channelId=${channelId}`, { token: agentToken });
    expect(forAgent.status).toBe(200);
    expect(forAgent.body.items.map((t: { name: string }) => t.name)).toEqual(['Media Test']);
    const forAdmin = await call(`/api/v1/templates?channelId=${channelId}`);
    expect(forAdmin.body.items).toHaveLength(3);
    expect((await call('/api/v1/templates/import', { method: 'POST', json: { channelId }, token: agentToken })).status).toBe(403);
  });

  it('registers a template by hand by ContentSid and refuses a bad or duplicate one', async () => {
    const bad = await call('/api/v1/templates', { method: 'POST', json: { contentSid: 'HX123', name: 'x', language: 'es', body: 'Hola {{1}}' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe('contentSid');
    const sid = 'HX' + 'b'.repeat(32);
    const ok = await call('/api/v1/templates', {
      method: 'POST',
      json: { channelId, contentSid: sid, name: 'cita_recordatorio', language: 'es', category: 'utility', body: 'Hola {{1}}, su cita es el {{2}}.', variables: { '1': 'nombre', '2': 'fecha' } },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'approved', language: 'es' });
    const dup = await call('/api/v1/templates', { method: 'POST', json: { contentSid: sid, name: 'y', language: 'es', body: 'x' } });
    expect(dup.status).toBe(409);
  });
});

describe('secrets', () => {
  it('creates simulator channels only when the simulator is enabled, labelled as such', async () => {
    const sim = await call('/api/v1/channels', { method: 'POST', json: { name: 'Sim', provider: 'simulator', phoneNumber: '+15550100009', queueId } });
    expect(sim.status).toBe(201);
    expect(sim.body).toMatchObject({ provider: 'simulator', simulator: true, authTokenSet: true, environment: 'production' });
    process.env.SIMULATOR_ENABLED = 'false';
    const { resetConfig } = await import('@/lib/config');
    resetConfig();
    try {
      const refused = await call('/api/v1/channels', { method: 'POST', json: { name: 'Sim 2', provider: 'simulator', phoneNumber: '+15550100010', queueId } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/simulator channels are disabled/);
    } finally {
      process.env.SIMULATOR_ENABLED = 'true';
      resetConfig();
    }
  });

  it('never returns or logs an auth token: not on create, edit, check, import, list or errors', async () => {
    const NEW_TOKEN = 'beef' + '7'.repeat(28);
    await call(`/api/v1/channels/${channelId}`, { method: 'PATCH', json: { authToken: NEW_TOKEN } });
    await call(`/api/v1/channels/${channelId}/check`, { method: 'POST', json: { authToken: NEW_TOKEN } });
    await call(`/api/v1/channels/${channelId}/check`, { method: 'POST', json: { accountSid: REJECTED_SID, authToken: NEW_TOKEN } });
    // A rejected body that carries a token must not echo it either.
    await call('/api/v1/channels', { method: 'POST', json: { name: 'Bad', phoneNumber: 'nope', accountSid: AC, authToken: NEW_TOKEN, queueId } });
    await call(`/api/v1/channels/${channelId}`, { method: 'PATCH', json: { authToken: NEW_TOKEN, unknownField: 1 } });
    await call('/api/v1/channels');
    await call(`/api/v1/channels/${channelId}`);

    const [row] = await app.runtime.db.db.select().from(channels).where(eq(channels.id, channelId));
    expect(row!.authTokenEncrypted).not.toContain(NEW_TOKEN);

    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.some((l) => /channel credential check failed/.test(l))).toBe(true);
    for (const secret of [AUTH_TOKEN, NEW_TOKEN, row!.authTokenEncrypted!]) {
      expect(responses.filter((r) => r.includes(secret))).toEqual([]);
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
    const audit = JSON.stringify(await app.runtime.db.db.select().from(auditLog));
    expect(audit).not.toContain(AUTH_TOKEN);
    expect(audit).not.toContain(NEW_TOKEN);
    expect(audit).toContain('authTokenReplaced');
  });
});
