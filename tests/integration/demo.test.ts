import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogins } from '@/lib/setup/demo';
import { startTestApp, type TestApp } from '../helpers/app';

// `npm install && npm start`: the embedded demo. Every screen should have something to show on
// first start, as the demo's supervisor and agents see it through the API their pages use.
let app: TestApp;
const token: Record<string, string> = {};

type HistoryPage = {
  items: { id: string; status: string; channel: { name: string }; agent: { name: string | null } | null; messageCount: number; firstResponseSeconds: number | null }[];
  nextCursor: string | null;
};

beforeAll(async () => {
  app = await startTestApp({ seedDemo: true });
  for (const l of demoLogins) token[l.email.split('@')[0]!] = await app.tokenFor(l.email, l.password);
});
afterAll(() => app?.close());

async function get<T>(path: string, who: string): Promise<T> {
  const res = await app.fetch(path, { token: token[who] });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

async function allHistory(): Promise<HistoryPage['items']> {
  const items: HistoryPage['items'] = [];
  let cursor: string | null = null;
  do {
    const page: HistoryPage = await get(`/api/v1/history?${new URLSearchParams(cursor ? { cursor } : {})}`, 'supervisor');
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('the embedded demo', () => {
  it('has two weeks of finished chats in both channels, handled by both agents', async () => {
    const items = await allHistory();
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(['closed']));
    expect(new Set(items.map((i) => i.channel.name))).toEqual(new Set(['Support (simulator)', 'Soporte (simulador)']));
    expect(new Set(items.map((i) => i.agent?.name))).toEqual(new Set(['Alex Agent', 'Lucía Agente']));
    expect(items.every((i) => i.messageCount >= 2 && (i.firstResponseSeconds ?? 0) > 0)).toBe(true);
  });

  it('a transcript reads as a real chat: the customer opens, the agent accepts, answers, and it is closed', async () => {
    const [first] = await allHistory();
    const t = await get<{ messages: { direction: string; kind: string; body: string | null; createdAt: string }[] }>(`/api/v1/history/${first!.id}`, 'supervisor');
    expect(t.messages[0]).toMatchObject({ direction: 'inbound', kind: 'text' });
    expect(t.messages[1]!.body).toMatch(/accepted the chat\.$/);
    expect(t.messages.some((m) => m.direction === 'outbound' && m.kind === 'text')).toBe(true);
    expect(t.messages.at(-1)!.body).toMatch(/^(Resolved by .+|Closed automatically after 60 minutes without messages)\.$/);
    const times = t.messages.map((m) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('fills the reports: times, both agents, and a failed send with its reason', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 15 * 24 * 3600_000).toISOString();
    const r = await get<{
      totals: { chats: number; firstResponse: { median: number | null }; handle: { median: number | null } };
      agents: { name: string; chats: number }[];
      failedSends: { errorCode: string | null; reason: string; count: number }[];
    }>(`/api/v1/reports?${new URLSearchParams({ from, to })}`, 'supervisor');
    expect(r.totals.chats).toBeGreaterThanOrEqual(30);
    expect(r.totals.firstResponse.median).toBeGreaterThan(0);
    expect(r.totals.handle.median).toBeGreaterThan(0);
    expect(r.agents.map((a) => a.name).sort()).toEqual(['Alex Agent', 'Lucía Agente']);
    expect(r.failedSends).toEqual([expect.objectContaining({ errorCode: '30003', reason: expect.stringMatching(/unreachable/) })]);
  });

  it('has quick replies in both languages, and each channel the simulator account’s approved templates in its language', async () => {
    type List<T> = { items: T[] };
    const alex = (await get<List<{ shortcut: string }>>('/api/v1/quick-replies', 'agent')).items;
    expect(alex.map((q) => q.shortcut)).toEqual(expect.arrayContaining(['hello', 'thanks', 'tracking']));
    const lucia = (await get<List<{ shortcut: string }>>('/api/v1/quick-replies', 'agente')).items;
    expect(lucia.map((q) => q.shortcut)).toEqual(expect.arrayContaining(['hola', 'gracias']));
    const templates = (await get<List<{ name: string; status: string }>>('/api/v1/templates', 'agent')).items;
    expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['order_update', 'appointment_reminder']));
    expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['actualizacion_pedido', 'seguimiento']));
    expect(new Set(templates.map((t) => t.status))).toEqual(new Set(['approved']));
  });

  it('is left out with DEMO_CONTENT=false: the people, queues and channels only', async () => {
    const bare = await startTestApp({ seedDemo: true, env: { DEMO_CONTENT: 'false' } });
    try {
      const t = await bare.tokenFor(demoLogins[1].email, demoLogins[1].password);
      const res = await bare.fetch('/api/v1/history', { token: t });
      expect(((await res.json()) as HistoryPage).items).toEqual([]);
      const channels = (await (await bare.fetch('/api/v1/channels', { token: await bare.tokenFor(demoLogins[0].email, demoLogins[0].password) })).json()) as { items: unknown[] };
      expect(channels.items).toHaveLength(2);
      const replies = (await (await bare.fetch('/api/v1/quick-replies', { token: t })).json()) as { items: unknown[] };
      expect(replies.items).toEqual([]);
    } finally {
      await bare.close();
      // startTestApp set the process's environment for the app it started: back to the demo's.
      process.env.DEMO_CONTENT = '';
    }
  });
});
