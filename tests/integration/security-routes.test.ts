import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { sessionCookie } from '../helpers/session';

/**
 * The class, not the one route: every route handler under app/ (found on disk, so a new route is in
 * this test the day it is added) refuses a cross-origin write made with the session cookie, a body
 * over its cap, and (under /api/v1) a session that was ended or a token that was revoked.
 */
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
// Public on purpose: the OpenAPI document, the token login itself, next-auth's own routes.
const PUBLIC = new Set(['/api/v1/openapi.json', '/api/v1/auth/token']);

type RouteCase = { path: string; methods: string[] };

function discoverRoutes(): RouteCase[] {
  const out: RouteCase[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), [...segments, e.name]);
      else if (e.name === 'route.ts') {
        const source = fs.readFileSync(path.join(dir, e.name), 'utf8');
        const methods = ['GET', ...WRITE_METHODS].filter((m) => new RegExp(`export (const|async function|\\{[^}]*\\bas ${m}\\b)[^\\n]*\\b${m}\\b`).test(source));
        const urlPath = segments
          .filter((s) => !(s.startsWith('(') && s.endsWith(')')))
          .map((s) => (/^\[\.\.\./.test(s) ? 'signin' : /^\[/.test(s) ? randomUUID() : s))
          .join('/');
        out.push({ path: `/${urlPath}`, methods });
      }
    }
  };
  walk(path.join(process.cwd(), 'app'), []);
  return out;
}

let app: TestApp;
let cookie: string;
let endedCookie: string;
let revokedToken: string;
const routes = discoverRoutes();
const writes = routes.flatMap((r) => r.methods.filter((m) => m !== 'GET').map((method) => ({ method, path: r.path })));

beforeAll(async () => {
  app = await startTestApp();
  const admin = await app.createUser({ role: 'admin', email: 'class-admin@example.test' });
  const adminToken = await app.tokenFor(admin.email, admin.password);
  cookie = await sessionCookie(admin);
  // A second admin whose browser session is ended (sign out everywhere) and whose token is revoked.
  const other = await app.createUser({ role: 'admin', email: 'class-other@example.test' });
  endedCookie = await sessionCookie(other);
  const created = await app.fetch('/api/v1/api-tokens', { method: 'POST', token: adminToken, json: { name: 'integration', userId: other.id } });
  expect(created.status, await created.clone().text()).toBe(201);
  const issued = (await created.json()) as { id: string; token: string };
  revokedToken = issued.token;
  expect((await app.fetch('/api/v1/me', { token: revokedToken })).status).toBe(200);
  expect((await app.fetch('/api/v1/me', { headers: { cookie: endedCookie } })).status).toBe(200);
  expect((await app.fetch(`/api/v1/users/${other.id}/sessions`, { method: 'DELETE', token: adminToken })).status).toBe(200);
  expect((await app.fetch(`/api/v1/api-tokens/${issued.id}`, { method: 'DELETE', token: adminToken })).status).toBe(200);
});
afterAll(() => app?.close());

describe('every route', () => {
  it('finds the routes on disk (a sanity check of this test itself)', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(writes.length).toBeGreaterThan(25);
    expect(writes).toContainEqual({ method: 'POST', path: '/api/v1/users' });
  });

  it('refuses a cross-origin write carrying the session cookie, on every route and method', async () => {
    const answers = await Promise.all(
      writes.map(async (w) => {
        const res = await app.fetch(w.path, {
          method: w.method,
          headers: { cookie, origin: 'http://127.0.0.1:4999', 'content-type': 'text/plain' },
          body: '{}',
        });
        return `${w.method} ${w.path} ${res.status}`;
      }),
    );
    expect(answers.filter((a) => !a.endsWith(' 403'))).toEqual([]);
  });

  it('cuts off a chunked body over its cap, on every route and method', async () => {
    const answers: string[] = [];
    for (const w of writes) {
      const cap = /\/attachments$|\/simulator\/channels\/[^/]+\/messages$/.test(w.path) ? 17 : 1;
      const status = await streamOver(w.method, w.path, (cap + 1) * 1024 * 1024);
      answers.push(`${w.method} ${w.path} ${status}`);
    }
    expect(answers.filter((a) => !a.endsWith(' 413'))).toEqual([]);
  }, 120_000);

  it('answers 401 to an ended session and to a revoked token, on every /api/v1 route and method', async () => {
    const answers: string[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/') && !PUBLIC.has(x.path))) {
      for (const method of r.methods) {
        for (const [how, headers] of [
          ['ended session', { cookie: endedCookie }],
          ['revoked token', { authorization: `Bearer ${revokedToken}` }],
        ] as const) {
          const res = await app.fetch(r.path, {
            method,
            headers: { ...headers, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
            body: method === 'GET' ? undefined : '{}',
          });
          answers.push(`${how}: ${method} ${r.path} ${res.status}`);
        }
      }
    }
    expect(answers.length).toBeGreaterThan(80);
    expect(answers.filter((a) => !a.endsWith(' 401'))).toEqual([]);
  }, 120_000);
});

/** Streams `total` bytes chunked and answers the status (the server may close once it answered). */
function streamOver(method: string, urlPath: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, app.url), {
      method,
      headers: { cookie, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let written = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
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
