import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { seedHistory } from './history-seed';

let app: TestApp;
let s: Awaited<ReturnType<typeof seedHistory>>;
let supervisorToken: string;

type Item = {
  id: string;
  status: string;
  contact: { name: string | null; phone: string };
  channel: { name: string };
  queue: { name: string };
  agent: { name: string | null } | null;
  startedAt: string;
  endedAt: string | null;
  messageCount: number;
  waitSeconds: number | null;
  firstResponseSeconds: number | null;
};
type Page = { items: Item[]; nextCursor: string | null };

async function search(params: Record<string, string>, token = supervisorToken): Promise<Page> {
  const res = await app.fetch(`/api/v1/history?${new URLSearchParams(params)}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}
const ids = (p: Page) => p.items.map((i) => i.id);

beforeAll(async () => {
  app = await startTestApp();
  s = await seedHistory(app);
  supervisorToken = await app.tokenFor(s.users.supervisor.email, s.users.supervisor.password);
});
afterAll(() => app?.close());

describe('history search: each filter alone', () => {
  it('lists every conversation newest first with contact, channel, queue, agent, times and counts', async () => {
    const { c1, c2, c3, c4, c5 } = s.conversations;
    const page = await search({});
    expect(ids(page)).toEqual([c5.id, c4.id, c3.id, c2.id, c1.id]);
    const first = page.items.find((i) => i.id === c1.id)!;
    expect(first).toMatchObject({
      status: 'closed',
      contact: { name: 'John Smith', phone: '+14155550100' },
      channel: { name: 'WhatsApp US' },
      queue: { name: 'Sales' },
      agent: { name: 'Alice Agent' },
      startedAt: '2026-03-02T10:00:00.000Z',
      endedAt: '2026-03-02T10:10:00.000Z',
      messageCount: 3, // the system event is not a message
      waitSeconds: 30,
      firstResponseSeconds: 90,
    });
    expect(page.items.find((i) => i.id === c4.id)).toMatchObject({ agent: null, endedAt: null, firstResponseSeconds: null });
  });

  it('filters by date range (from inclusive, to exclusive)', async () => {
    const { c1, c2, c3 } = s.conversations;
    expect(ids(await search({ from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }))).toEqual([c2.id, c1.id]);
    expect(ids(await search({ from: '2026-04-05T12:00:00Z', to: '2026-04-06T08:00:00Z' }))).toEqual([c3.id]);
  });

  it('filters by channel, by queue and by status', async () => {
    const { c1, c2, c3, c4, c5 } = s.conversations;
    expect(ids(await search({ channelId: s.channels.es.id }))).toEqual([c4.id, c2.id]);
    expect(ids(await search({ queueId: s.queues.sales.id }))).toEqual([c5.id, c3.id, c1.id]);
    expect(ids(await search({ status: 'closed' }))).toEqual([c5.id, c2.id, c1.id]);
    expect(ids(await search({ status: 'waiting' }))).toEqual([c4.id]);
  });

  it('filters by agent: chats assigned to them or where they wrote', async () => {
    const { c1, c2, c3, c5 } = s.conversations;
    expect(ids(await search({ agentId: s.users.alice.id }))).toEqual([c5.id, c1.id]);
    // Bob answered in c1 before it was transferred to Alice.
    expect(ids(await search({ agentId: s.users.bob.id }))).toEqual([c3.id, c2.id, c1.id]);
  });

  it('finds a contact by exact phone number in any common spelling, and never by a fragment', async () => {
    const { c2, c5 } = s.conversations;
    for (const contact of ['+34612345678', '+34 612 34 56 78', '34612345678', 'whatsapp:+34612345678']) {
      expect(ids(await search({ contact })), contact).toEqual([c5.id, c2.id]);
    }
    expect(ids(await search({ contact: '612345678' }))).toEqual([]);
    expect(ids(await search({ contact: '+3461234567' }))).toEqual([]);
  });

  it('finds a contact by words of the name, as prefixes, accents included', async () => {
    const { c2, c4, c5 } = s.conversations;
    expect(ids(await search({ contact: 'maría' }))).toEqual([c5.id, c2.id]);
    expect(ids(await search({ contact: 'Lóp' }))).toEqual([c5.id, c2.id]);
    expect(ids(await search({ contact: 'ana gómez' }))).toEqual([c4.id]);
    expect(ids(await search({ contact: 'nobody' }))).toEqual([]);
  });
});

describe('history search: words in the messages', () => {
  it('matches English chats with English stemming', async () => {
    const { c1, c5 } = s.conversations;
    expect(ids(await search({ q: 'refunds' }))).toEqual([c1.id]);
    expect(ids(await search({ q: 'runs' }))).toEqual([c5.id]); // "running"
    expect(ids(await search({ q: 'refund or broken' }))).toEqual([s.conversations.c3.id, c1.id]); // websearch syntax
    expect(ids(await search({ q: '"arrived broken"' }))).toEqual([s.conversations.c3.id]);
  });

  it('matches Spanish chats with Spanish stemming', async () => {
    const { c2, c4 } = s.conversations;
    expect(ids(await search({ q: 'corre' }))).toEqual([c2.id]); // "corriendo"
    expect(ids(await search({ q: 'niño' }))).toEqual([c2.id]); // "niños"
    expect(ids(await search({ q: 'tiendas' }))).toEqual([c2.id]); // "tienda"
    expect(ids(await search({ q: 'pedidos' }))).toEqual([c4.id, c2.id]);
  });

  it('searches outbound replies too, and finds nothing for unknown words', async () => {
    expect(ids(await search({ q: 'mañana' }))).toEqual([s.conversations.c2.id]);
    expect(ids(await search({ q: 'zeppelin' }))).toEqual([]);
  });
});

describe('history search: filters combined', () => {
  it('applies every filter together', async () => {
    const { c1, c2, c5 } = s.conversations;
    expect(ids(await search({ channelId: s.channels.es.id, status: 'closed', q: 'pedido' }))).toEqual([c2.id]);
    expect(ids(await search({ contact: '+34612345678', queueId: s.queues.sales.id }))).toEqual([c5.id]);
    expect(ids(await search({ agentId: s.users.alice.id, from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z', q: 'refund' }))).toEqual([c1.id]);
    expect(
      ids(await search({ agentId: s.users.alice.id, status: 'closed', channelId: s.channels.en.id, contact: 'john', q: 'order', from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:01:00Z' })),
    ).toEqual([c1.id]);
    // With a period, the words must have been written in it: "Refunds take three days" came 80 s in.
    expect(ids(await search({ q: 'days', from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:01:00Z' }))).toEqual([]);
    expect(ids(await search({ q: 'days', from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:02:00Z' }))).toEqual([c1.id]);
    expect(ids(await search({ agentId: s.users.bob.id, status: 'waiting' }))).toEqual([]);
  });

  it('answers 400 for a malformed filter or cursor', async () => {
    for (const q of ['from=yesterday', 'status=open', 'channelId=abc', 'cursor=bogus', 'limit=0']) {
      const res = await app.fetch(`/api/v1/history?${q}`, { token: supervisorToken });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
  });
});

describe('history search: cursor paging', () => {
  it('pages by cursor without gaps or repeats while new chats and messages arrive', async () => {
    const all = ids(await search({}));
    const p1 = await search({ limit: '2' });
    expect(ids(p1)).toEqual(all.slice(0, 2));
    expect(p1.nextCursor).toBeTruthy();

    // New activity between page reads: a brand-new chat, and a new message in a listed chat.
    const db = app.runtime.db.db;
    const { c3 } = s.conversations;
    const [fresh] = await db
      .insert(conversations)
      .values({ channelId: c3.channelId, contactId: s.contacts.ana.id, queueId: c3.queueId, language: 'en' })
      .returning();
    await db.insert(messages).values({ conversationId: c3.id, channelId: c3.channelId, direction: 'inbound', kind: 'text', status: 'received', body: 'hello again' });

    const p2 = await search({ limit: '2', cursor: p1.nextCursor! });
    const p3 = await search({ limit: '2', cursor: p2.nextCursor! });
    expect([...ids(p1), ...ids(p2), ...ids(p3)]).toEqual(all);
    expect(p3.nextCursor).toBeNull();
    // The new chat shows on a fresh first page.
    expect(ids(await search({ limit: '2' }))[0]).toBe(fresh!.id);
  });

  it('keeps chats created in the same millisecond apart', async () => {
    const db = app.runtime.db.db;
    const at = new Date('2025-01-01T00:00:00.000Z');
    const rows = await db
      .insert(conversations)
      .values(
        Array.from({ length: 5 }, () => ({
          channelId: s.channels.en.id, contactId: s.contacts.john.id, queueId: s.queues.sales.id, language: 'en', status: 'closed' as const, createdAt: at,
        })),
      )
      .returning();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search({ to: '2025-01-02T00:00:00Z', limit: '2', ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
