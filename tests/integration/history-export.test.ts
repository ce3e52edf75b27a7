import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { attachments, auditLog, conversations, messages } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { seedHistory } from './history-seed';

let app: TestApp;
let s: Awaited<ReturnType<typeof seedHistory>>;
const tokens: Record<string, string> = {};

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (ch !== '\r') field += ch;
  }
  return rows;
}

async function allSearchIds(params: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await app.fetch(`/api/v1/history?${new URLSearchParams({ ...params, limit: '200', ...(cursor ? { cursor } : {}) })}`, {
      token: tokens.supervisor,
    });
    const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
    out.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  app = await startTestApp();
  s = await seedHistory(app);
  for (const [role, u] of Object.entries(s.users)) tokens[role] = await app.tokenFor(u.email, u.password);
});
afterAll(() => app?.close());

describe('history export', () => {
  it('streams CSV whose rows are exactly the filtered set, with a total for progress', async () => {
    const filter = { status: 'closed', from: '2026-03-01T00:00:00Z' };
    const res = await app.fetch(`/api/v1/history/export?${new URLSearchParams({ ...filter, format: 'csv' })}`, { token: tokens.supervisor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="parley-history-.*\.csv"/);
    expect(res.headers.get('x-total-count')).toBe('3');
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toContain('contact_phone');
    const col = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => r[col('id')])).toEqual(await allSearchIds(filter));
    const c2 = rows.find((r) => r[col('id')] === s.conversations.c2.id)!;
    expect(c2[col('contact_name')]).toBe('María López');
    expect(c2[col('queue')]).toBe('Ventas');
    expect(c2[col('message_count')]).toBe('3');
  });

  it('streams JSON of the same items the search returns', async () => {
    const filter = { q: 'pedido' };
    const res = await app.fetch(`/api/v1/history/export?${new URLSearchParams({ ...filter, format: 'json' })}`, { token: tokens.admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; contact: { phone: string } }[];
    expect(body.map((i) => i.id)).toEqual(await allSearchIds(filter));
    expect(body.map((i) => i.id)).toEqual([s.conversations.c4.id, s.conversations.c2.id]);
  });

  it('exports sets larger than one database batch, every row once', async () => {
    const db = app.runtime.db.db;
    await db.execute(sql`
      insert into conversations (channel_id, contact_id, queue_id, language, status, created_at)
      select ${s.channels.en.id}::uuid, ${s.contacts.ana.id}::uuid, ${s.queues.sales.id}::uuid, 'en', 'closed',
        timestamptz '2025-06-01' + (g * interval '1 minute')
      from generate_series(1, 1234) g`);
    const filter = { from: '2025-06-01T00:00:00Z', to: '2025-07-01T00:00:00Z' };
    const res = await app.fetch(`/api/v1/history/export?${new URLSearchParams({ ...filter, format: 'csv' })}`, { token: tokens.supervisor });
    expect(res.headers.get('x-total-count')).toBe('1234');
    const rows = parseCsv(await res.text()).slice(1);
    expect(rows).toHaveLength(1234);
    expect(new Set(rows.map((r) => r[0])).size).toBe(1234);
    const json = (await (
      await app.fetch(`/api/v1/history/export?${new URLSearchParams({ ...filter, format: 'json' })}`, { token: tokens.supervisor })
    ).json()) as unknown[];
    expect(json).toHaveLength(1234);
  });

  it('writes who exported what to the audit log', async () => {
    const before = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.action, 'exported'));
    await (await app.fetch('/api/v1/history/export?format=csv&status=waiting', { token: tokens.supervisor })).text();
    const after = await app.runtime.db.db.select().from(auditLog).where(eq(auditLog.action, 'exported'));
    expect(after.length).toBe(before.length + 1);
    const entry = after.find((e) => !before.some((b) => b.id === e.id))!;
    expect(entry.actorId).toBe(s.users.supervisor.id);
    expect(entry.entity).toBe('history');
    expect(entry.after).toMatchObject({ format: 'csv', total: 1, filter: { status: 'waiting' } });
  });

  it('neutralises spreadsheet formulas in exported text', async () => {
    const db = app.runtime.db.db;
    const { contacts } = await import('@/db/schema');
    await db.update(contacts).set({ name: '=HYPERLINK("http://evil")' }).where(eq(contacts.id, s.contacts.ana.id));
    const text = await (await app.fetch('/api/v1/history/export?format=csv&status=waiting', { token: tokens.supervisor })).text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    await db.update(contacts).set({ name: 'Ana Gómez' }).where(eq(contacts.id, s.contacts.ana.id));
  });
});

describe('transcript', () => {
  it('returns every message in order with system events, failures and media, and audits the view', async () => {
    const db = app.runtime.db.db;
    const { c3, c1 } = s.conversations;
    const [photo] = await db
      .insert(messages)
      .values({ conversationId: c3.id, channelId: c3.channelId, direction: 'inbound', kind: 'media', status: 'received', body: null, createdAt: new Date('2026-04-05T12:05:00Z') })
      .returning();
    await db.insert(attachments).values({ messageId: photo!.id, contentType: 'image/jpeg', size: 1234, status: 'ready', storageKey: 'ab/cd' });

    const res = await app.fetch(`/api/v1/history/${c3.id}`, { token: tokens.supervisor });
    expect(res.status).toBe(200);
    const t = (await res.json()) as {
      conversation: { id: string; status: string; contact: { phone: string }; queue: { name: string }; agent: { name: string } };
      messages: { kind: string; body: string | null; status: string; errorReason: string | null; attachments: { url: string | null }[]; author: { name?: string } | null }[];
    };
    expect(t.conversation).toMatchObject({ id: c3.id, status: 'active', contact: { phone: '+14155550100' }, queue: { name: 'Sales' }, agent: { name: 'Bob Agent' } });
    expect(t.messages.map((m) => m.body)).toEqual(['The package arrived broken', 'Sorry!', null]);
    expect(t.messages[1]).toMatchObject({ status: 'failed', errorReason: 'The 24-hour window is closed', author: { name: 'Bob Agent' } });
    expect(t.messages[2]!.attachments[0]!.url).toBe(`/api/media/${(await db.select().from(attachments).where(eq(attachments.messageId, photo!.id)))[0]!.id}`);

    const t1 = (await (await app.fetch(`/api/v1/history/${c1.id}`, { token: tokens.admin })).json()) as typeof t;
    expect(t1.messages.map((m) => m.kind)).toEqual(['text', 'text', 'system', 'text']);
    expect(t1.messages[2]!.body).toBe('Transferred from Bob Agent to Alice Agent');

    const views = await db.select().from(auditLog).where(and(eq(auditLog.action, 'viewed'), eq(auditLog.entityId, c3.id)));
    expect(views.map((v) => v.actorId)).toEqual([s.users.supervisor.id]);
  });

  it('answers 404 for an unknown conversation', async () => {
    const res = await app.fetch('/api/v1/history/00000000-0000-4000-8000-000000000000', { token: tokens.supervisor });
    expect(res.status).toBe(404);
  });
});

describe('history authorisation', () => {
  it('needs a signed-in user', async () => {
    expect((await app.fetch('/api/v1/history')).status).toBe(401);
    expect((await app.fetch('/api/v1/history/export')).status).toBe(401);
    expect((await app.fetch(`/api/v1/history/${s.conversations.c1.id}`)).status).toBe(401);
  });

  it('lets an agent search only the chats they were assigned or wrote in', async () => {
    const res = await app.fetch('/api/v1/history', { token: tokens.alice });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string }[] };
    expect(page.items.map((i) => i.id)).toEqual([s.conversations.c5.id, s.conversations.c1.id]);
    const other = await app.fetch(`/api/v1/history?agentId=${s.users.bob.id}`, { token: tokens.alice });
    expect(other.status).toBe(403);
    const mine = await app.fetch(`/api/v1/history?agentId=${s.users.alice.id}&q=refund`, { token: tokens.alice });
    expect(((await mine.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([s.conversations.c1.id]);
  });

  it('lets an agent read the transcript of their own chat only', async () => {
    expect((await app.fetch(`/api/v1/history/${s.conversations.c1.id}`, { token: tokens.alice })).status).toBe(200);
    expect((await app.fetch(`/api/v1/history/${s.conversations.c1.id}`, { token: tokens.bob })).status).toBe(200); // wrote in it
    expect((await app.fetch(`/api/v1/history/${s.conversations.c3.id}`, { token: tokens.alice })).status).toBe(404);
  });

  it('lets an agent read the earlier chats of a customer whose chat they hold, while they hold it', async () => {
    const db = app.runtime.db.db;
    const carol = await app.createUser({ role: 'agent', name: 'Carol Agent' });
    const token = await app.tokenFor(carol.email, carol.password);
    const earlier = `/api/v1/history/${s.conversations.c1.id}`; // John's, handled by Alice and Bob
    expect((await app.fetch(earlier, { token })).status).toBe(404);

    // John writes again on the Spanish channel and the chat is Carol's.
    const [open] = await db
      .insert(conversations)
      .values({ channelId: s.channels.es.id, contactId: s.contacts.john.id, queueId: s.queues.ventas.id, language: 'es', status: 'active', assigneeId: carol.id, assignedAt: new Date() })
      .returning();
    const res = await app.fetch(earlier, { token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { messages: { body: string | null }[] }).messages.map((m) => m.body)).toContain('I want a refund for my order');
    // Other customers' chats stay closed to her; so does John's open chat with Bob, in a queue she is not in.
    expect((await app.fetch(`/api/v1/history/${s.conversations.c2.id}`, { token })).status).toBe(404);
    expect((await app.fetch(`/api/v1/history/${s.conversations.c3.id}`, { token })).status).toBe(404);

    // Once that chat is closed, John's history is no business of hers.
    await db.update(conversations).set({ status: 'closed', closedAt: new Date() }).where(eq(conversations.id, open!.id));
    expect((await app.fetch(earlier, { token })).status).toBe(404);
  });

  it('never lets an agent read a colleague’s open chat, even of a customer waiting in the agent’s queue', async () => {
    const db = app.runtime.db.db;
    const dora = await app.createUser({ role: 'agent', name: 'Dora Agent' });
    const token = await app.tokenFor(dora.email, dora.password);
    await db.execute(sql`insert into queue_members (queue_id, user_id) values (${s.queues.ventas.id}, ${dora.id})`);
    // John waits in Ventas, Dora's queue; his chat with Bob (Sales, not hers) is still active.
    const [waiting] = await db
      .insert(conversations)
      .values({ channelId: s.channels.es.id, contactId: s.contacts.john.id, queueId: s.queues.ventas.id, language: 'es', status: 'waiting' })
      .returning();
    expect((await app.fetch(`/api/v1/history/${s.conversations.c3.id}`, { token })).status).toBe(404);
    expect((await app.fetch(`/api/v1/history/${s.conversations.c1.id}`, { token })).status).toBe(200); // closed: his earlier chat
    expect((await app.fetch(`/api/v1/history/${waiting!.id}`, { token })).status).toBe(200); // the one she may take
    await db.delete(conversations).where(eq(conversations.id, waiting!.id));
  });

  it('refuses exports to agents, and settings to supervisors', async () => {
    const res = await app.fetch('/api/v1/history/export?format=csv', { token: tokens.alice });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await app.fetch('/api/v1/users', { token: tokens.supervisor })).status).toBe(403);
  });
});
