import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, contacts, conversations, users } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
let admin: string;
let agentToken: string;
let agentId: string;
const AC = 'AC' + 'a'.repeat(32);
const TOKEN = 'f'.repeat(32);

type Err = { error: { code: string; message: string; details?: { fields: { path: string; message: string }[] } } };

async function post(path: string, json: unknown, token = admin) {
  return app.fetch(path, { method: 'POST', json, token });
}
async function patch(path: string, json: unknown, token = admin) {
  return app.fetch(path, { method: 'PATCH', json, token });
}
async function audits(entityId: string) {
  return app.runtime.db.db.select().from(auditLog).where(eq(auditLog.entityId, entityId)).orderBy(auditLog.id);
}

beforeAll(async () => {
  app = await startTestApp();
  const a = await app.createUser({ role: 'admin', email: 'root@example.test', name: 'Root' });
  admin = await app.tokenFor(a.email, a.password);
  const ag = await app.createUser({ role: 'agent', email: 'ag@example.test', name: 'Agent Smith' });
  agentId = ag.id;
  agentToken = await app.tokenFor(ag.email, ag.password);
});
afterAll(() => app?.close());

async function newQueue(name: string, memberIds: string[] = []) {
  const res = await post('/api/v1/queues', { name, memberIds });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string };
}

describe('queues', () => {
  it('creates a queue with members, shows them with languages, limits and live counts, and audits it', async () => {
    const res = await post('/api/v1/queues', {
      name: 'Billing',
      routingRule: 'least_busy',
      completionTimeoutMinutes: 30,
      acceptTimeoutSeconds: 60,
      memberIds: [agentId],
    });
    expect(res.status).toBe(201);
    const q = (await res.json()) as Record<string, unknown> & { id: string; members: { id: string; languages: string[]; maxChats: number }[] };
    expect(q).toMatchObject({ name: 'Billing', routingRule: 'least_busy', completionTimeoutMinutes: 30, memberIds: [agentId], counts: { waiting: 0, active: 0 } });
    expect(q.members[0]).toMatchObject({ id: agentId, name: 'Agent Smith', maxChats: 5 });

    const dup = await post('/api/v1/queues', { name: 'Billing' });
    expect(dup.status).toBe(409);

    const upd = await patch(`/api/v1/queues/${q.id}`, { completionTimeoutMinutes: null, memberIds: [] });
    expect(upd.status).toBe(200);
    expect(await upd.json()).toMatchObject({ completionTimeoutMinutes: null, memberIds: [] });
    const log = await audits(q.id);
    expect(log.map((l) => l.action)).toEqual(['queue.created', 'queue.updated']);
    expect(log[1]!.before).toMatchObject({ completionTimeoutMinutes: 30, memberIds: [agentId] });
    expect(log[1]!.after).toMatchObject({ completionTimeoutMinutes: null, memberIds: [] });
  });

  it('refuses a zero accept timeout with the field named', async () => {
    const res = await post('/api/v1/queues', { name: 'X', acceptTimeoutSeconds: 0 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Err).error.details!.fields[0]!.path).toBe('acceptTimeoutSeconds');
  });
});

describe('channels', () => {
  let queueId: string;
  beforeAll(async () => {
    queueId = (await newQueue('Channels queue')).id;
  });

  it('refuses a number that is not E.164 and an Account SID that is not AC…', async () => {
    const bad = await post('/api/v1/channels', { name: 'Main', phoneNumber: '0034 600', accountSid: AC, authToken: TOKEN, queueId });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as Err;
    expect(body.error.details!.fields[0]).toMatchObject({ path: 'phoneNumber' });
    expect(body.error.message).toMatch(/E\.164/);

    const sid = await post('/api/v1/channels', { name: 'Main', phoneNumber: '+14155550100', accountSid: 'SK' + 'a'.repeat(32), authToken: TOKEN, queueId });
    expect(sid.status).toBe(400);
    expect(((await sid.json()) as Err).error.details!.fields[0]).toMatchObject({ path: 'accountSid' });

    const missing = await post('/api/v1/channels', { name: 'Main', phoneNumber: '+14155550100', queueId });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Err).error.details!.fields.map((f) => f.path)).toEqual(['accountSid', 'authToken']);
  });

  it('creates a Twilio channel: token write-only, webhook URLs under PUBLIC_URL, number normalised', async () => {
    const res = await post('/api/v1/channels', {
      name: 'Main line',
      phoneNumber: 'whatsapp:+1 415 555 0100',
      accountSid: AC,
      authToken: TOKEN,
      queueId,
      language: 'es',
      defaultCountry: 'es',
      environment: 'sandbox',
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(TOKEN);
    const ch = JSON.parse(text) as Record<string, unknown> & { id: string };
    expect(ch).toMatchObject({
      provider: 'twilio',
      simulator: false,
      phoneNumber: '+14155550100',
      authTokenSet: true,
      queueName: 'Channels queue',
      defaultCountry: 'ES',
      environment: 'sandbox',
      webhookUrl: `${app.url}/api/webhooks/twilio/${ch.id}`,
      statusCallbackUrl: `${app.url}/api/webhooks/twilio/${ch.id}/status`,
      messagesLast24h: 0,
    });
    expect(ch).not.toHaveProperty('authToken');
    expect(ch).not.toHaveProperty('authTokenEncrypted');

    const again = await post('/api/v1/channels', { name: 'Dup', phoneNumber: '+14155550100', accountSid: AC, authToken: TOKEN, queueId });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Err).error.details!.fields[0]!.path).toBe('phoneNumber');

    // An empty token on edit keeps the stored one.
    const edit = await patch(`/api/v1/channels/${ch.id}`, { name: 'Main line (ES)', authToken: '' });
    expect(edit.status).toBe(200);
    expect(await edit.json()).toMatchObject({ name: 'Main line (ES)', authTokenSet: true });
    const log = await audits(ch.id);
    expect(log.map((l) => l.action)).toEqual(['channel.created', 'channel.updated']);
    expect(JSON.stringify(log)).not.toContain(TOKEN);
    expect(log[0]!.after).toMatchObject({ authTokenSet: true, phoneNumber: '+14155550100' });
  });

  it('deletes a channel without conversations, refuses one with conversations, which can be deactivated', async () => {
    const mk = async (n: string) =>
      (await (await post('/api/v1/channels', { name: n, phoneNumber: n, accountSid: AC, authToken: TOKEN, queueId })).json()) as { id: string };
    const empty = await mk('+442071838750');
    const del = await app.fetch(`/api/v1/channels/${empty.id}`, { method: 'DELETE', token: admin });
    expect(del.status).toBe(204);
    expect((await app.fetch(`/api/v1/channels/${empty.id}`, { token: admin })).status).toBe(404);

    const used = await mk('+442071838751');
    const db = app.runtime.db.db;
    const [contact] = await db.insert(contacts).values({ phone: '+34600000001', waId: '34600000001', name: 'María' }).returning();
    await db.insert(conversations).values({ channelId: used.id, contactId: contact!.id, queueId, language: 'es' });
    const refused = await app.fetch(`/api/v1/channels/${used.id}`, { method: 'DELETE', token: admin });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Err).error.message).toMatch(/1 conversation.*Deactivate it instead/);
    expect((await app.fetch(`/api/v1/channels/${used.id}`, { token: admin })).status).toBe(200);

    const off = await patch(`/api/v1/channels/${used.id}`, { active: false });
    expect(await off.json()).toMatchObject({ active: false, conversationCount: 1 });
    expect((await audits(used.id)).map((l) => l.action)).toEqual(['channel.created', 'channel.deactivated']);
  });

  it('lets agents neither list nor change channels', async () => {
    expect((await app.fetch('/api/v1/channels', { token: agentToken })).status).toBe(403);
    expect((await post('/api/v1/channels', {}, agentToken)).status).toBe(403);
  });
});

describe('users', () => {
  it('creates an agent who can log in, refuses a duplicate email, resets a password', async () => {
    const res = await post('/api/v1/users', { email: 'new@example.test', name: 'Nuevo', password: 'first-password', role: 'agent', languages: ['es'] });
    expect(res.status).toBe(201);
    const u = (await res.json()) as { id: string; maxChats: number };
    expect(u).toMatchObject({ role: 'agent', languages: ['es'], maxChats: 5, active: true });
    expect(u).not.toHaveProperty('passwordHash');
    await app.tokenFor('new@example.test', 'first-password');

    const dup = await post('/api/v1/users', { email: 'NEW@example.test', name: 'Again', password: 'whatever1', role: 'agent' });
    expect(dup.status).toBe(409);

    expect((await patch(`/api/v1/users/${u.id}`, { password: 'second-password' })).status).toBe(200);
    await expect(app.tokenFor('new@example.test', 'first-password')).rejects.toThrow(/401/);
    await app.tokenFor('new@example.test', 'second-password');
    const log = await audits(u.id);
    expect(JSON.stringify(log)).not.toMatch(/password"/);
    expect(log.at(-1)!.after).toMatchObject({ passwordReset: true });
  });

  it('deactivating an agent sends its open chats back to the queue and locks it out', async () => {
    const queue = await newQueue('Deactivation queue');
    const u = await app.createUser({ role: 'agent', email: 'leaving@example.test' });
    const token = await app.tokenFor(u.email, u.password);
    const db = app.runtime.db.db;
    const ch = (await (await post('/api/v1/channels', { name: 'D', phoneNumber: '+15005550006', accountSid: AC, authToken: TOKEN, queueId: queue.id })).json()) as { id: string };
    const [contact] = await db.insert(contacts).values({ phone: '+34600000002', name: 'Pepe' }).returning();
    const [conv] = await db
      .insert(conversations)
      .values({ channelId: ch.id, contactId: contact!.id, queueId: queue.id, language: 'es', status: 'active', assigneeId: u.id, assignedAt: new Date() })
      .returning();

    const res = await patch(`/api/v1/users/${u.id}`, { active: false });
    expect(res.status).toBe(200);
    const [after] = await db.select().from(conversations).where(eq(conversations.id, conv!.id));
    expect(after).toMatchObject({ status: 'waiting', assigneeId: null });
    expect((await app.fetch('/api/v1/me', { token })).status).toBe(401);
    const [row] = await db.select().from(users).where(eq(users.id, u.id));
    expect(row!.presence).toBe('offline');
    expect((await audits(u.id)).at(-1)!.action).toBe('user.deactivated');
  });

  it('never removes or demotes the last active admin', async () => {
    const [root] = await app.runtime.db.db.select().from(users).where(eq(users.email, 'root@example.test'));
    const demote = await patch(`/api/v1/users/${root!.id}`, { role: 'agent' });
    expect(demote.status).toBe(409);
    expect(((await demote.json()) as Err).error.message).toMatch(/last active admin/);
    const other = await app.createUser({ role: 'admin', email: 'second-admin@example.test' });
    const otherToken = await app.tokenFor(other.email, other.password);
    const deact = await patch(`/api/v1/users/${root!.id}`, { active: false }, otherToken);
    expect(deact.status).toBe(200);
    // Now `other` is the only active admin.
    const self = await patch(`/api/v1/users/${other.id}`, { role: 'supervisor' }, otherToken);
    expect(self.status).toBe(409);
    const [still] = await app.runtime.db.db.select().from(users).where(eq(users.id, other.id));
    expect(still!.role).toBe('admin');
    admin = otherToken;
  });
});
