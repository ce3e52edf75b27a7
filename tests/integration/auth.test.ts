import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { apiTokens, users } from '@/db/schema';
import { createSessionToken } from '@/lib/auth/session';
import { startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
const people: Record<string, { email: string; password: string; id: string }> = {};

beforeAll(async () => {
  app = await startTestApp();
  for (const role of ['admin', 'supervisor', 'agent'] as const) {
    const u = await app.createUser({ role, email: `${role}@example.test`, name: `The ${role}` });
    people[role] = u;
  }
});
afterAll(() => app?.close());

describe('API tokens', () => {
  it('issues a token for the right password and answers GET /me with it', async () => {
    const res = await app.fetch('/api/v1/auth/token', {
      method: 'POST',
      json: { email: 'AGENT@example.test', password: people.agent!.password },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; user: Record<string, unknown> };
    expect(body.token).toMatch(/^prl_/);
    expect(body.user).toMatchObject({ email: 'agent@example.test', role: 'agent', home: '/inbox' });
    expect(body.user).not.toHaveProperty('passwordHash');

    const me = await app.fetch('/api/v1/me', { token: body.token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: people.agent!.id, role: 'agent' });
  });

  it('refuses a wrong password or unknown email with 401 and the same message', async () => {
    const wrong = await app.fetch('/api/v1/auth/token', {
      method: 'POST',
      json: { email: 'agent@example.test', password: 'nope' },
    });
    const unknown = await app.fetch('/api/v1/auth/token', {
      method: 'POST',
      json: { email: 'ghost@example.test', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [(await wrong.json()) as { error: { code: string; message: string } }, (await unknown.json()) as { error: { message: string } }];
    expect(a.error.code).toBe('unauthorized');
    expect(a.error.message).toBe(b.error.message);
  });

  it('answers a malformed login body with 400 and which field is wrong', async () => {
    const res = await app.fetch('/api/v1/auth/token', { method: 'POST', json: { email: 'a@b.c' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/password/);
    const notJson = await app.fetch('/api/v1/auth/token', { method: 'POST', body: 'email=x', headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(415);
  });

  it('rejects forged, revoked and expired tokens', async () => {
    expect((await app.fetch('/api/v1/me', { token: 'prl_forged' })).status).toBe(401);
    const token = await app.tokenFor('agent@example.test', people.agent!.password);
    await app.runtime.db.db.update(apiTokens).set({ revokedAt: sql`now()` });
    expect((await app.fetch('/api/v1/me', { token })).status).toBe(401);
    const token2 = await app.tokenFor('agent@example.test', people.agent!.password);
    await app.runtime.db.db.update(apiTokens).set({ expiresAt: sql`now() - interval '1 minute'` });
    expect((await app.fetch('/api/v1/me', { token: token2 })).status).toBe(401);
  });

  it('stores only a hash of each token, and only a hash of each password', async () => {
    const token = await app.tokenFor('admin@example.test', people.admin!.password);
    const rows = await app.runtime.db.db.select().from(apiTokens);
    expect(rows.some((r) => r.tokenHash.includes(token) || token.includes(r.tokenHash))).toBe(false);
    const [admin] = await app.runtime.db.db.select().from(users).where(eq(users.email, 'admin@example.test'));
    expect(admin!.passwordHash).not.toContain(people.admin!.password);
  });

  it('locks out a deactivated user at once, even with a live token or session', async () => {
    const u = await app.createUser({ role: 'agent', email: 'leaver@example.test' });
    const token = await app.tokenFor(u.email, u.password);
    const session = await createSessionToken(u);
    await app.runtime.db.db.update(users).set({ active: false }).where(eq(users.id, u.id));
    expect((await app.fetch('/api/v1/me', { token })).status).toBe(401);
    expect((await app.fetch('/api/v1/me', { headers: { cookie: `next-auth.session-token=${session}` } })).status).toBe(401);
    const login = await app.fetch('/api/v1/auth/token', { method: 'POST', json: { email: u.email, password: u.password } });
    expect(login.status).toBe(401);
  });
});

describe('sessions', () => {
  it('accepts the next-auth session cookie on API routes', async () => {
    const session = await createSessionToken({ ...people.supervisor!, name: 'S', role: 'supervisor' });
    const res = await app.fetch('/api/v1/me', { headers: { cookie: `other=1; next-auth.session-token=${session}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: 'supervisor' });
  });

  it('rejects a session cookie signed with another secret', async () => {
    const saved = process.env.AUTH_SECRET;
    process.env.AUTH_SECRET = 'x'.repeat(64);
    const { resetConfig } = await import('@/lib/config');
    resetConfig();
    const forged = await createSessionToken({ ...people.admin!, name: 'A', role: 'admin' });
    process.env.AUTH_SECRET = saved;
    resetConfig();
    const res = await app.fetch('/api/v1/me', { headers: { cookie: `next-auth.session-token=${forged}` } });
    expect(res.status).toBe(401);
  });
});

describe('roles', () => {
  // Every role-restricted API route and who may use it; later capabilities add their rows.
  const matrix: { method: string; path: string; allowed: ('admin' | 'supervisor' | 'agent')[] }[] = [
    { method: 'GET', path: '/api/v1/me', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/users', allowed: ['admin'] },
    { method: 'GET', path: '/api/v1/queues', allowed: ['admin'] },
    { method: 'GET', path: '/api/v1/channels', allowed: ['admin'] },
    { method: 'GET', path: '/api/v1/api-tokens', allowed: ['admin'] },
    { method: 'GET', path: '/api/v1/quick-replies', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/templates', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/conversations', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/me/queues', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/workspace', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/history', allowed: ['admin', 'supervisor', 'agent'] },
    { method: 'GET', path: '/api/v1/history/export?format=json', allowed: ['admin', 'supervisor'] },
    { method: 'GET', path: '/api/v1/supervision', allowed: ['admin', 'supervisor'] },
    { method: 'GET', path: '/api/v1/reports', allowed: ['admin', 'supervisor'] },
  ];

  for (const row of matrix) {
    it(`${row.method} ${row.path}: 401 without auth, 403 for the wrong role`, async () => {
      expect((await app.fetch(row.path, { method: row.method })).status).toBe(401);
      for (const role of ['admin', 'supervisor', 'agent'] as const) {
        const token = await app.tokenFor(people[role]!.email, people[role]!.password);
        const res = await app.fetch(row.path, { method: row.method, token });
        if (row.allowed.includes(role)) expect(res.status, role).toBeLessThan(300);
        else {
          expect(res.status, role).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
        }
      }
    });
  }
});

describe('health', () => {
  it('answers 200 while the database is reachable', async () => {
    const res = await app.fetch('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: 'up' });
  });
});
