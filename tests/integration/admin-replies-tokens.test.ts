import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiTokens, auditLog } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
let admin: string;
let agent: string;
let support: string;
let ventas: string;

type Json = Record<string, unknown> & { error?: { code: string; message: string; details?: { fields: { path: string }[] } } };

async function call(p: string, init: { method?: string; json?: unknown; token?: string } = {}) {
  const res = await app.fetch(p, { method: init.method ?? 'GET', json: init.json, token: init.token ?? admin });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

beforeAll(async () => {
  app = await startTestApp();
  const a = await app.createUser({ role: 'admin', email: 'admin@example.test', name: 'Ada' });
  admin = await app.tokenFor(a.email, a.password);
  const ag = await app.createUser({ role: 'agent', email: 'agent@example.test' });
  agent = await app.tokenFor(ag.email, ag.password);
  support = (await call('/api/v1/queues', { method: 'POST', json: { name: 'Support', memberIds: [ag.id] } })).body.id as string;
  ventas = (await call('/api/v1/queues', { method: 'POST', json: { name: 'Ventas' } })).body.id as string;
});
afterAll(() => app?.close());

describe('quick replies', () => {
  it('creates a Spanish quick reply, refuses the same shortcut twice in a language, allows it in another', async () => {
    const es = await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: '/Saludo', language: 'es', text: 'Hola {{contact.name}}, soy {{agent.name}}.' } });
    expect(es.status).toBe(201);
    expect(es.body).toMatchObject({ shortcut: 'saludo', language: 'es', queueIds: null });

    const dup = await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'SALUDO', language: 'es', text: 'Otra vez' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error!.details!.fields[0]!.path).toBe('shortcut');
    expect(dup.body.error!.message).toMatch(/saludo/);

    const en = await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'saludo', language: 'en', text: 'Hi {{contact.name}}' } });
    expect(en.status).toBe(201);

    const log = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.entityId, es.body.id as string));
    expect(log[0]).toMatchObject({ action: 'quick_reply.created', entity: 'quick_reply', after: { shortcut: 'saludo', language: 'es' } });
  });

  it('refuses unknown {{fields}} and shortcuts with spaces, naming the field', async () => {
    const field = await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'x', language: 'en', text: 'Hi {{customer.name}}' } });
    expect(field.status).toBe(400);
    expect(field.body.error!.message).toMatch(/text: unknown field \{\{customer\.name\}\}/);
    const sc = await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'two words', language: 'en', text: 'Hi' } });
    expect(sc.status).toBe(400);
    expect(sc.body.error!.details!.fields[0]!.path).toBe('shortcut');
  });

  it('scopes replies to queues: agents see all-queue replies and their own queues, filter by language and search', async () => {
    await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'reembolso', language: 'es', text: 'Su reembolso está en camino.', queueIds: [support] } });
    await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'oferta', language: 'es', text: 'Tenemos una oferta.', queueIds: [ventas] } });

    const mine = await call('/api/v1/quick-replies?language=es', { token: agent });
    expect(mine.status).toBe(200);
    expect((mine.body.items as { shortcut: string }[]).map((r) => r.shortcut)).toEqual(['reembolso', 'saludo']);
    const other = await call(`/api/v1/quick-replies?queueId=${ventas}`, { token: agent });
    // Not the agent's queue: only the replies for every queue, never Ventas's own.
    expect((other.body.items as { shortcut: string }[]).map((r) => r.shortcut)).toEqual(['saludo', 'saludo']);
    const all = await call(`/api/v1/quick-replies?queueId=${ventas}`);
    expect((all.body.items as { shortcut: string }[]).map((r) => r.shortcut)).toEqual(['oferta', 'saludo', 'saludo']);
    const search = await call('/api/v1/quick-replies?q=CAMINO');
    expect((search.body.items as { shortcut: string }[]).map((r) => r.shortcut)).toEqual(['reembolso']);

    expect((await call('/api/v1/quick-replies', { method: 'POST', token: agent, json: { shortcut: 'a', language: 'en', text: 'b' } })).status).toBe(403);
  });

  it('edits and deletes a quick reply, with before/after in the audit log', async () => {
    const r = await call('/api/v1/quick-replies', { method: 'POST', json: { shortcut: 'bye', language: 'en', text: 'Bye!' } });
    const upd = await call(`/api/v1/quick-replies/${r.body.id}`, { method: 'PATCH', json: { text: 'Goodbye, {{contact.name}}!' } });
    expect(upd.body).toMatchObject({ text: 'Goodbye, {{contact.name}}!' });
    expect((await call(`/api/v1/quick-replies/${r.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/v1/quick-replies/${r.body.id}`)).status).toBe(404);
    const log = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.entityId, r.body.id as string)).orderBy(auditLog.id);
    expect(log.map((l) => l.action)).toEqual(['quick_reply.created', 'quick_reply.updated', 'quick_reply.deleted']);
    expect(log[1]).toMatchObject({ before: { text: 'Bye!' }, after: { text: 'Goodbye, {{contact.name}}!' } });
  });
});

describe('API tokens', () => {
  it('shows a new token once, stores only its hash, records last use, and revoking stops it at once', async () => {
    const created = await call('/api/v1/api-tokens', { method: 'POST', json: { name: 'CRM sync', expiresInDays: 90 } });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^prl_/);
    expect(created.body).toMatchObject({ name: 'CRM sync', status: 'active', lastUsedAt: null });

    const list = await call('/api/v1/api-tokens');
    expect(JSON.stringify(list.body)).not.toContain(token);
    const item = (list.body.items as { id: string; name: string }[]).find((t) => t.name === 'CRM sync')!;
    expect(item).toMatchObject({ kind: 'integration' });
    // Login tokens of POST /auth/token are listed too (so they can be revoked), marked as such.
    const logins = (list.body.items as { name: string; kind: string }[]).filter((t) => t.name === 'login');
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((t) => t.kind === 'login')).toBe(true);
    const rows = await app.runtime.db.db.select().from(apiTokens).where(eq(apiTokens.id, item.id));
    expect(rows[0]!.tokenHash).not.toContain(token);

    expect((await app.fetch('/api/v1/me', { token })).status).toBe(200);
    const used = await call('/api/v1/api-tokens');
    expect((used.body.items as { id: string; lastUsedAt: string | null }[]).find((t) => t.id === item.id)!.lastUsedAt).not.toBeNull();

    const revoked = await call(`/api/v1/api-tokens/${item.id}`, { method: 'DELETE' });
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    expect((await app.fetch('/api/v1/me', { token })).status).toBe(401);

    const log = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.entityId, item.id)).orderBy(auditLog.id);
    expect(log.map((l) => l.action)).toEqual(['api_token.created', 'api_token.revoked']);
    expect(JSON.stringify(log)).not.toContain(token);
  });

  it('is admin-only', async () => {
    expect((await call('/api/v1/api-tokens', { token: agent })).status).toBe(403);
    expect((await call('/api/v1/api-tokens', { method: 'POST', token: agent, json: { name: 'x' } })).status).toBe(403);
  });
});
