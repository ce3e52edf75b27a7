import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { startTestApp, type TestApp } from '../helpers/app';
import { createQueueWithAgents, customerWrites, type Agent } from '../helpers/routing';

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
};
type Operation = {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const V1 = path.join(process.cwd(), 'app/api/v1');
const DOC_ID = 'parley-openapi';

let app: TestApp;
let doc: Doc;
let admin: string;
let agent: Agent;
let conversationId: string;
let ajv: Ajv2020;

beforeAll(async () => {
  app = await startTestApp();
  const a = await app.createUser({ role: 'admin', email: 'openapi-admin@example.test' });
  admin = await app.tokenFor(a.email, a.password);
  const { agents, ch } = await createQueueWithAgents(app, { agents: [{ name: 'Ada' }] });
  agent = agents[0]!;
  conversationId = (await customerWrites(app, ch, { body: 'Hello, is anyone there?' })).id;

  const res = await app.fetch('/api/v1/openapi.json');
  doc = (await res.json()) as Doc;
  ajv = new Ajv2020({ allErrors: true });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', { validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)) });
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  // The whole document is one schema resource, so its own `#/components/schemas/...` refs resolve in it;
  // its OpenAPI fields are known to ajv as keywords that validate nothing.
  ajv.addVocabulary(['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components']);
  ajv.addSchema(doc, DOC_ID);
});
afterAll(() => app?.close());

/** The path under /api/v1 a route file serves: `conversations/[id]/route.ts` → `/conversations/{id}`. */
function servedOperations(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const segments = path.relative(V1, dir).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
        const url = '/' + segments.map((s) => s.replace(/^\[(\w+)\]$/, '{$1}')).join('/');
        const source = fs.readFileSync(full, 'utf8');
        for (const m of METHODS) {
          if (new RegExp(`export\\s+(const|async\\s+function|function)\\s+${m}\\b|export\\s*\\{[^}]*\\b${m}\\b[^}]*\\}`).test(source)) out.push(`${m} ${url}`);
        }
      }
    }
  };
  walk(V1);
  return out.sort();
}

const documentedOperations = () =>
  Object.entries(doc.paths)
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();

/** JSON pointer of a value inside the document, for `$ref`s and ajv. */
const pointer = (...parts: string[]) => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function resolvePointer(ref: string): unknown {
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Validates a real answer against what the document says `method path` answers with that status. */
async function expectDocumented(res: Response, method: string, template: string) {
  const op = doc.paths[template]?.[method];
  expect(op, `${method} ${template} is documented`).toBeDefined();
  const status = String(res.status);
  expect(Object.keys(op!.responses), `${method} ${template} documents ${status}`).toContain(status);
  let where = pointer('paths', template, method, 'responses', status);
  const response = op!.responses[status]!;
  if (response.$ref) where = response.$ref;
  const body = await res.json();
  const validate = ajv.compile({ $ref: `${DOC_ID}${where}/content/application~1json/schema` });
  expect(validate(body) ? [] : validate.errors, `${method} ${template} ${status}`).toEqual([]);
  return body as Record<string, unknown>;
}

function requestBodyValidator(method: string, template: string) {
  expect(doc.paths[template]?.[method]?.requestBody).toBeDefined();
  return ajv.compile({ $ref: `${DOC_ID}${pointer('paths', template, method, 'requestBody', 'content', 'application/json', 'schema')}` });
}

const propertiesOf = (name: string) => Object.keys((doc.components.schemas[name] as { properties: object }).properties).sort();

describe('GET /api/v1/openapi.json', () => {
  it('answers the OpenAPI 3.1 document without authentication', async () => {
    const res = await app.fetch('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Doc;
    expect(body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(body.info).toMatchObject({ title: 'Parley', version: expect.any(String) });
    expect(body.paths['/openapi.json']!.get!.security).toEqual([]);
    expect(body.paths['/auth/token']!.post!.security).toEqual([]);
  });

  it('documents every operation served under /api/v1, and none that is not', () => {
    const served = servedOperations();
    expect(served.length).toBeGreaterThan(40);
    expect(documentedOperations()).toEqual(served);
  });

  it('resolves every $ref inside the document', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') refs.push(v as string);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => !r.startsWith('#/') || resolvePointer(r) === undefined)).toEqual([]);
  });

  it('says truly which operations need authentication: each of them answers 401 without it', async () => {
    const wrong: string[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.security?.length === 0) continue;
        const url = '/api/v1' + template.replace(/\{\w+\}/g, () => randomUUID());
        const res = await app.fetch(url, { method: method.toUpperCase() });
        if (res.status !== 401) wrong.push(`${method} ${template}: ${res.status}`);
        else await expectDocumented(res, method, template);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('responses of the real API match the document', () => {
  it('a conversation, with exactly the documented fields', async () => {
    const res = await app.fetch(`/api/v1/conversations/${conversationId}`, { token: admin });
    expect(res.status).toBe(200);
    const body = await expectDocumented(res, 'get', '/conversations/{id}');
    expect(Object.keys(body).sort()).toEqual(propertiesOf('Conversation'));
    expect(Object.keys(body.contact as object).sort()).toEqual(propertiesOf('Contact'));
  });

  it('the conversation list, as the agent and as an admin', async () => {
    for (const token of [agent.token, admin]) {
      const res = await app.fetch('/api/v1/conversations?status=waiting,active&limit=10', { token });
      expect(res.status).toBe(200);
      const body = await expectDocumented(res, 'get', '/conversations');
      expect((body.items as { id: string }[]).map((c) => c.id)).toContain(conversationId);
    }
  });

  it('the message list, with exactly the documented message fields', async () => {
    const res = await app.fetch(`/api/v1/conversations/${conversationId}/messages`, { token: admin });
    expect(res.status).toBe(200);
    const body = await expectDocumented(res, 'get', '/conversations/{id}/messages');
    const [message] = body.items as Record<string, unknown>[];
    expect(message).toMatchObject({ direction: 'inbound', body: 'Hello, is anyone there?' });
    expect(Object.keys(message!).sort()).toEqual(propertiesOf('Message'));
  });

  it('errors: 404 for an unknown conversation, 400 for a malformed filter, 403 for a role', async () => {
    const missing = await app.fetch(`/api/v1/conversations/${randomUUID()}`, { token: admin });
    expect(missing.status).toBe(404);
    expect(await expectDocumented(missing, 'get', '/conversations/{id}')).toMatchObject({ error: { code: 'not_found' } });

    const bad = await app.fetch('/api/v1/conversations?status=sleeping', { token: admin });
    expect(bad.status).toBe(400);
    expect(await expectDocumented(bad, 'get', '/conversations')).toMatchObject({ error: { code: 'validation_failed', details: { fields: [{ path: expect.stringMatching(/^status/) }] } } });

    const forbidden = await app.fetch('/api/v1/queues', { token: agent.token });
    expect(forbidden.status).toBe(403);
    await expectDocumented(forbidden, 'get', '/queues');
  });

  it('the caller, a transcript, the history and the admin lists', async () => {
    await expectDocumented(await app.fetch('/api/v1/me', { token: agent.token }), 'get', '/me');
    await expectDocumented(await app.fetch(`/api/v1/history/${conversationId}`, { token: admin }), 'get', '/history/{id}');
    await expectDocumented(await app.fetch('/api/v1/history', { token: admin }), 'get', '/history');
    await expectDocumented(await app.fetch(`/api/v1/conversations/${conversationId}/contact-history`, { token: admin }), 'get', '/conversations/{id}/contact-history');
    await expectDocumented(await app.fetch('/api/v1/workspace', { token: agent.token }), 'get', '/workspace');
    for (const list of ['/users', '/queues', '/channels', '/api-tokens']) {
      const res = await app.fetch(`/api/v1${list}`, { token: admin });
      expect(res.status).toBe(200);
      const body = await expectDocumented(res, 'get', list);
      expect((body.items as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('a user’s sessions, ending one, signing out everywhere, and a throttled login', async () => {
    const { createSessionToken } = await import('@/lib/auth/session');
    const u = await app.createUser({ role: 'agent', email: 'openapi-sessions@example.test' });
    await createSessionToken(u, { userAgent: 'Documented browser', ip: '203.0.113.1' });
    await createSessionToken(u);
    const list = await expectDocumented(await app.fetch(`/api/v1/users/${u.id}/sessions`, { token: admin }), 'get', '/users/{id}/sessions');
    const [first] = list.items as { id: string }[];
    await expectDocumented(await app.fetch(`/api/v1/users/${u.id}/sessions/${first!.id}`, { method: 'DELETE', token: admin }), 'delete', '/users/{id}/sessions/{sessionId}');
    await expectDocumented(await app.fetch(`/api/v1/users/${u.id}/sessions`, { method: 'DELETE', token: admin }), 'delete', '/users/{id}/sessions');
    let res: Response | undefined;
    for (let i = 0; i < 5; i++) res = await app.fetch('/api/v1/auth/token', { method: 'POST', json: { email: u.email, password: 'wrong' }, headers: { 'x-parley-client-ip': '203.0.113.2' } });
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectDocumented(res!, 'post', '/auth/token');
  });
});

describe('request bodies match the document', () => {
  it('a queue the server creates fits the documented body; one it refuses does not', async () => {
    const fits = requestBodyValidator('post', '/queues');
    const good = { name: 'Documented queue', routingRule: 'least_busy', acceptTimeoutSeconds: 60, memberIds: [agent.id] };
    expect(fits(good) ? [] : fits.errors).toEqual([]);
    const created = await app.fetch('/api/v1/queues', { method: 'POST', json: good, token: admin });
    expect(created.status).toBe(201);
    await expectDocumented(created, 'post', '/queues');

    for (const bad of [{ name: 'Too quick', acceptTimeoutSeconds: 0 }, { name: 'Unknown rule', routingRule: 'random' }, { routingRule: 'offer_all' }]) {
      expect(fits(bad), JSON.stringify(bad)).toBe(false);
      const refused = await app.fetch('/api/v1/queues', { method: 'POST', json: bad, token: admin });
      expect(refused.status).toBe(400);
      await expectDocumented(refused, 'post', '/queues');
    }
  });

  it('a transfer body is one of {agentId} or {queueId}', () => {
    const fits = requestBodyValidator('post', '/conversations/{id}/transfer');
    expect(fits({ agentId: randomUUID() })).toBe(true);
    expect(fits({ queueId: randomUUID() })).toBe(true);
    expect(fits({ agentId: randomUUID(), queueId: randomUUID() })).toBe(false);
    expect(fits({})).toBe(false);
  });
});
