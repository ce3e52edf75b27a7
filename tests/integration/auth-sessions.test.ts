import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { encode, decode } from 'next-auth/jwt';
import { events, sessions } from '@/db/schema';
import { getAuthOptions } from '@/lib/auth/options';
import { actorForCredential, createSessionToken, resolveActor } from '@/lib/auth/session';
import { getAuthSecret } from '@/lib/auth/secret';
import { startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  const a = await app.createUser({ role: 'admin', email: 'sessions-admin@example.test' });
  admin = await app.tokenFor(a.email, a.password);
});
afterAll(() => app?.close());

const cookie = (jwt: string) => ({ cookie: `next-auth.session-token=${jwt}` });
const me = async (auth: { token?: string; jwt?: string }) =>
  (await app.fetch('/api/v1/me', auth.token ? { token: auth.token } : { headers: cookie(auth.jwt!) })).status;
const asAdmin = async (path: string, init: { method?: string; json?: unknown } = {}) => {
  const res = await app.fetch(path, { ...init, token: admin });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
};

async function person(role: 'agent' | 'supervisor' = 'agent') {
  const u = await app.createUser({ role });
  return { ...u, jwt: await createSessionToken(u, { userAgent: 'Firefox test', ip: '203.0.113.9' }), loginToken: await app.tokenFor(u.email, u.password) };
}

async function accessEvents(userId: string): Promise<string[]> {
  const rows = await app.runtime.db.db.select().from(events).where(eq(events.type, 'access.changed')).orderBy(events.id);
  return rows
    .map((r) => r.payload as { audience: { userIds: string[] }; data: { userId: string; reason: string } })
    .filter((p) => p.data.userId === userId)
    .map((p) => {
      expect(p.audience.userIds).toEqual([userId]);
      return p.data.reason;
    });
}

describe('sign-out', () => {
  it('ends the session on the server: the same cookie no longer works', async () => {
    const u = await person();
    expect(await me({ jwt: u.jwt })).toBe(200);
    // What next-auth's sign-out route does with the cookie it is clearing.
    const token = await decode({ token: u.jwt, secret: getAuthSecret() });
    await getAuthOptions().events!.signOut!({ token: token!, session: undefined as never });
    expect(await me({ jwt: u.jwt })).toBe(401);
    expect(await accessEvents(u.id)).toEqual(['signed_out']);
  });

  it('refuses a session JWT that names no server-side session (forged by someone holding an old cookie format)', async () => {
    const u = await app.createUser({ role: 'agent' });
    const old = await encode({ token: { sub: u.id, email: u.email, name: u.name, role: u.role }, secret: getAuthSecret() });
    expect(await me({ jwt: old })).toBe(401);
  });
});

describe('a password reset', () => {
  it('ends every session and every password-login token of the user; integration tokens keep working', async () => {
    const u = await person();
    const second = await createSessionToken(u);
    const integration = await asAdmin('/api/v1/api-tokens', { method: 'POST', json: { name: 'CRM sync', userId: u.id } });
    expect(integration.status).toBe(201);
    const crm = integration.body.token as string;
    for (const auth of [{ jwt: u.jwt }, { jwt: second }, { token: u.loginToken }, { token: crm }]) expect(await me(auth)).toBe(200);

    const reset = await asAdmin(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { password: 'a brand new password' } });
    expect(reset.status).toBe(200);

    expect(await me({ jwt: u.jwt })).toBe(401);
    expect(await me({ jwt: second })).toBe(401);
    expect(await me({ token: u.loginToken })).toBe(401);
    expect(await me({ token: crm })).toBe(200);
    // The old password no longer logs in; the new one does.
    expect((await app.fetch('/api/v1/auth/token', { method: 'POST', json: { email: u.email, password: u.password } })).status).toBe(401);
    expect(await me({ token: await app.tokenFor(u.email, 'a brand new password') })).toBe(200);
    expect(await accessEvents(u.id)).toEqual(['password_changed']);
  });
});

describe('deactivation and role change', () => {
  it('deactivation ends the sessions for good: reactivating does not bring an old cookie back', async () => {
    const u = await person();
    expect((await asAdmin(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { active: false } })).status).toBe(200);
    expect(await me({ jwt: u.jwt })).toBe(401);
    expect((await asAdmin(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { active: true } })).status).toBe(200);
    expect(await me({ jwt: u.jwt })).toBe(401);
    expect(await me({ token: u.loginToken })).toBe(401);
    expect(await accessEvents(u.id)).toEqual(['deactivated']);
  });

  it('a role change takes effect on the next request and is announced', async () => {
    const u = await person('supervisor');
    expect((await app.fetch('/api/v1/supervision', { headers: cookie(u.jwt) })).status).toBe(200);
    expect((await asAdmin(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { role: 'agent' } })).status).toBe(200);
    expect((await app.fetch('/api/v1/supervision', { headers: cookie(u.jwt) })).status).toBe(403);
    expect(await accessEvents(u.id)).toEqual(['role_changed']);
  });
});

describe('the admin’s token list', () => {
  it('lists password-login tokens by user with their kind, and revoking one stops it at once', async () => {
    const u = await person();
    const list = await asAdmin('/api/v1/api-tokens');
    const mine = (list.body.items as { id: string; kind: string; user: { id: string }; createdAt: string; lastUsedAt: string | null; expiresAt: string | null }[]).filter(
      (t) => t.user.id === u.id,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'login', expiresAt: expect.any(String), createdAt: expect.any(String) });
    const revoked = await asAdmin(`/api/v1/api-tokens/${mine[0]!.id}`, { method: 'DELETE' });
    expect(revoked.body).toMatchObject({ status: 'revoked', kind: 'login' });
    expect(await me({ token: u.loginToken })).toBe(401);
    expect(await me({ jwt: u.jwt })).toBe(200);
    expect(await accessEvents(u.id)).toEqual(['token_revoked']);
  });
});

describe('a user’s sessions (Settings → Users)', () => {
  it('lists the signed-in browsers, ends one, then signs the user out everywhere', async () => {
    const u = await person();
    const laptop = await createSessionToken(u, { userAgent: 'Chrome on the laptop', ip: '198.51.100.4' });
    const list = await asAdmin(`/api/v1/users/${u.id}/sessions`);
    expect(list.status).toBe(200);
    const items = list.body.items as { id: string; userAgent: string; ip: string; createdAt: string; lastSeenAt: string; expiresAt: string }[];
    expect(items.map((s) => s.userAgent).sort()).toEqual(['Chrome on the laptop', 'Firefox test']);
    expect(items.find((s) => s.userAgent === 'Firefox test')).toMatchObject({ ip: '203.0.113.9' });

    const firefox = items.find((s) => s.userAgent === 'Firefox test')!;
    const ended = await asAdmin(`/api/v1/users/${u.id}/sessions/${firefox.id}`, { method: 'DELETE' });
    expect(ended.status).toBe(200);
    expect(await me({ jwt: u.jwt })).toBe(401);
    expect(await me({ jwt: laptop })).toBe(200);
    expect(((await asAdmin(`/api/v1/users/${u.id}/sessions`)).body.items as unknown[]).length).toBe(1);

    const integration = (await asAdmin('/api/v1/api-tokens', { method: 'POST', json: { name: 'Wallboard', userId: u.id } })).body.token as string;
    const everywhere = await asAdmin(`/api/v1/users/${u.id}/sessions`, { method: 'DELETE' });
    expect(everywhere).toMatchObject({ status: 200, body: { sessions: 1, loginTokens: 1 } });
    expect(await me({ jwt: laptop })).toBe(401);
    expect(await me({ token: u.loginToken })).toBe(401);
    expect(await me({ token: integration })).toBe(200);
    expect(((await asAdmin(`/api/v1/users/${u.id}/sessions`)).body.items as unknown[]).length).toBe(0);
    expect(await accessEvents(u.id)).toEqual(['session_revoked', 'session_revoked']);
  });

  it('answers 404 for another user’s session and is admin-only', async () => {
    const u = await person();
    const other = await person();
    const [s] = await app.runtime.db.db.select().from(sessions).where(eq(sessions.userId, other.id));
    expect((await asAdmin(`/api/v1/users/${u.id}/sessions/${s!.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await me({ jwt: other.jwt })).toBe(200);
    expect((await app.fetch(`/api/v1/users/${u.id}/sessions`, { token: u.loginToken })).status).toBe(403);
    expect((await app.fetch(`/api/v1/users/${u.id}/sessions`, { method: 'DELETE', token: u.loginToken })).status).toBe(403);
  });

  it('does not let an expired session in', async () => {
    const u = await person();
    await app.runtime.db.db.update(sessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(sessions.userId, u.id));
    expect(await me({ jwt: u.jwt })).toBe(401);
  });
});

describe('the actor’s credential', () => {
  it('names the session or token it came from, and re-checking it follows revocation', async () => {
    const u = await person();
    const bySession = await resolveActor(cookie(u.jwt));
    const byToken = await resolveActor({ authorization: `Bearer ${u.loginToken}` });
    const [row] = await app.runtime.db.db.select().from(sessions).where(eq(sessions.userId, u.id));
    expect(bySession).toMatchObject({ id: u.id, via: 'session', credentialId: row!.id });
    expect(byToken).toMatchObject({ id: u.id, via: 'token', credentialId: expect.any(String) });
    expect(await actorForCredential(bySession!)).toMatchObject({ id: u.id, role: 'agent' });
    expect(await actorForCredential(byToken!)).toMatchObject({ id: u.id, role: 'agent' });

    await asAdmin(`/api/v1/users/${u.id}/sessions`, { method: 'DELETE' });
    expect(await actorForCredential(bySession!)).toBeNull();
    expect(await actorForCredential(byToken!)).toBeNull();
  });

  it('costs one statement per request (figure printed)', async () => {
    const u = await person();
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await resolveActor(cookie(u.jwt));
    const perCall = (performance.now() - t0) / n;
    console.log(`session check (decode JWT + one statement): ${perCall.toFixed(2)} ms per call over ${n} calls`);
    expect(await resolveActor(cookie(u.jwt))).not.toBeNull();
  });
});
