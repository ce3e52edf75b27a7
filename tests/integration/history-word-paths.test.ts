import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { seedHistory } from './history-seed';

// Enough conversations that a word search cannot settle by probing the newest few hundred: rare
// words are found through the GIN index, frequent ones by probing further. Every answer is
// compared with the set the seed defines.
const CHATS = 700;
const START = Date.parse('2025-09-01T00:00:00Z');
const HOUR = 3_600_000;
const at = (n: number) => new Date(START + n * HOUR); // conversation n starts n hours after START

let app: TestApp;
let s: Awaited<ReturnType<typeof seedHistory>>;
let token: string;
/** Conversation ids by n (0 = oldest). */
let ids: string[] = [];

type Page = { items: { id: string; messageCount: number }[]; nextCursor: string | null };
async function search(params: Record<string, string>): Promise<Page> {
  const res = await app.fetch(`/api/v1/history?${new URLSearchParams(params)}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}
async function searchAll(params: Record<string, string>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await search({ ...params, limit: '50', ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}
/** Newest first, as the search lists them. */
const expected = (ns: number[]) => [...ns].sort((a, b) => b - a).map((n) => ids[n]!);
const range = (pred: (n: number) => boolean) => Array.from({ length: CHATS }, (_, n) => n).filter(pred);

beforeAll(async () => {
  app = await startTestApp();
  s = await seedHistory(app);
  token = await app.tokenFor(s.users.supervisor.email, s.users.supervisor.password);
  const db = app.runtime.db.db;
  // n % 3 = 0: Spanish chats. Every chat has filler; every 9th has "parcel", every 5th "invoice";
  // a few have "zebra" (rare); two old ones have "running", one Spanish, one English.
  const rows = (await db.execute(sql`
    insert into conversations (channel_id, contact_id, queue_id, language, status, created_at)
    select case when g % 3 = 0 then ${s.channels.es.id}::uuid else ${s.channels.en.id}::uuid end, ${s.contacts.ana.id}::uuid,
      case when g % 3 = 0 then ${s.queues.ventas.id}::uuid else ${s.queues.sales.id}::uuid end,
      case when g % 3 = 0 then 'es' else 'en' end, 'closed', ${new Date(START).toISOString()}::timestamptz + g * interval '1 hour'
    from generate_series(0, ${CHATS - 1}) g
    returning id, created_at`)) as unknown;
  const list = (Array.isArray(rows) ? rows : (rows as { rows: { id: string; created_at: string | Date }[] }).rows) as { id: string; created_at: string | Date }[];
  ids = list.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime()).map((r) => r.id);
  const body = (n: number) => {
    const words = ['hello there, one moment'];
    if (n % 9 === 4) words.push('where is my parcel');
    if (n % 5 === 2) words.push('invoice please');
    if ([12, 95, 301, 302].includes(n)) words.push('a zebra crossing');
    if (n === 150 || n === 151) words.push('running'); // 150: Spanish chat, 151: English chat
    return words.join('. ');
  };
  const values = ids.map((id, n) => sql`(${id}::uuid, ${n % 3 === 0 ? s.channels.es.id : s.channels.en.id}::uuid, 'inbound', 'text', 'received', ${body(n)},
    ${new Date(at(n).getTime() + 60_000).toISOString()}::timestamptz)`);
  await db.execute(sql`insert into messages (conversation_id, channel_id, direction, kind, status, body, created_at) values ${sql.join(values, sql`, `)}`);
  // Chat 250's only "zebra" is written 15 days after it started (when chat 610 starts).
  await db.execute(sql`insert into messages (conversation_id, channel_id, direction, kind, status, body, created_at)
    values (${ids[250]}::uuid, ${s.channels.en.id}::uuid, 'inbound', 'text', 'received', 'zebra, finally', ${at(610).toISOString()}::timestamptz)`);
});
afterAll(() => app?.close());

describe('history word search over a larger history', () => {
  it('finds rare words among old chats, newest first', async () => {
    expect(await searchAll({ q: 'zebra' })).toEqual(expected([12, 95, 250, 301, 302]));
  });

  it('pages through a mid-frequency word without gaps or repeats', async () => {
    const all = expected(range((n) => n % 9 === 4));
    expect(all.length).toBeGreaterThan(50);
    const first = await search({ q: 'parcel', limit: '50' });
    expect(first.items.map((i) => i.id)).toEqual(all.slice(0, 50));
    expect(first.items[0]!.messageCount).toBe(1);
    expect(await searchAll({ q: 'parcel' })).toEqual(all);
    expect(await searchAll({ q: 'parcel', queueId: s.queues.ventas.id })).toEqual(expected(range((n) => n % 9 === 4 && n % 3 === 0)));
    const invoices = expected(range((n) => n % 5 === 2));
    expect((await search({ q: 'invoices', limit: '50' })).items.map((i) => i.id)).toEqual(invoices.slice(0, 50));
    expect(await searchAll({ q: 'invoices' })).toEqual(invoices);
  });

  it('uses the conversation language for old chats too', async () => {
    // "runs" is "running" with English stemming only: the English chats (the seed's c5 and n = 151), not the Spanish one.
    expect(await searchAll({ q: 'runs' })).toEqual([s.conversations.c5.id, ...expected([151])]);
  });

  it('counts only words written in the period, for short and long periods alike', async () => {
    // September: every chat, and chat 250's late "zebra" too.
    const month = { from: '2025-09-01T00:00:00Z', to: '2025-10-01T00:00:00Z' };
    expect(await searchAll({ q: 'zebra', ...month })).toEqual(expected([12, 95, 250, 301, 302]));
    // Up to when chat 600 starts: chat 250 started in the period, but its "zebra" came after it.
    const upTo600 = { from: '2025-09-01T00:00:00Z', to: at(600).toISOString() };
    expect(await searchAll({ q: 'zebra', ...upTo600 })).toEqual(expected([12, 95, 301, 302]));
    // A long period (more days than the index is given one by one) answers the same way.
    const long = { from: '2024-01-01T00:00:00Z', to: at(600).toISOString() };
    expect(await searchAll({ q: 'zebra', ...long })).toEqual(expected([12, 95, 301, 302]));
    expect(await searchAll({ q: 'parcel', ...long })).toEqual(expected(range((n) => n < 600 && n % 9 === 4)));
  });

  it('gives the export the same total the search pages through', async () => {
    for (const q of ['zebra', 'parcel']) {
      const res = await app.fetch(`/api/v1/history/export?${new URLSearchParams({ q, format: 'json' })}`, { token });
      const body = (await res.json()) as { id: string }[];
      expect(body.map((i) => i.id), q).toEqual(await searchAll({ q }));
      expect(res.headers.get('x-total-count'), q).toBe(String(body.length));
    }
  });
});
