import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { seedHistory } from './history-seed';

let app: TestApp;
let s: Awaited<ReturnType<typeof seedHistory>>;
const tokens: Record<string, string> = {};

type Times = { key: string | null; name: string | null; chats: number; closed: number; wait: P; firstResponse: P; handle: P };
type P = { count: number; median: number | null; p90: number | null };
type Report = {
  period: { bucket: string };
  totals: Times;
  volume: { bucket: string; conversations: number; inbound: number; outbound: number }[];
  timesByBucket: Times[];
  queues: Times[];
  agents: Times[];
  failedSends: { errorCode: string | null; reason: string; count: number }[];
};

beforeAll(async () => {
  app = await startTestApp();
  s = await seedHistory(app);
  for (const [role, u] of Object.entries(s.users)) tokens[role] = await app.tokenFor(u.email, u.password);
});
afterAll(() => app?.close());

const period = { from: '2026-03-01T00:00:00Z', to: '2026-05-01T00:00:00Z' };
async function report(params: Record<string, string>, token = tokens.supervisor): Promise<Report> {
  const res = await app.fetch(`/api/v1/reports?${new URLSearchParams(params)}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
}

describe('reports', () => {
  it('counts volume per day with messages in and out', async () => {
    const r = await report({ ...period, bucket: 'day' });
    expect(r.volume.map((v) => v.bucket)).toEqual(['2026-03-02', '2026-03-10', '2026-04-05', '2026-04-06', '2026-04-10']);
    expect(r.volume[0]).toEqual({ bucket: '2026-03-02', conversations: 1, inbound: 1, outbound: 2 });
    expect(r.volume.reduce((n, v) => n + v.conversations, 0)).toBe(5);
  });

  it('buckets by hour in the viewer\'s time zone', async () => {
    const r = await report({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z', tz: 'Europe/Madrid' });
    expect(r.period.bucket).toBe('hour');
    expect(r.volume).toEqual([{ bucket: '2026-03-02T11:00', conversations: 1, inbound: 1, outbound: 2 }]);
  });

  it('gives wait, first response and handle times as median and p90', async () => {
    const r = await report(period);
    // Waits 30, 120, 10, 5 s (c4 never assigned); first responses 90, 240, 50 s.
    expect(r.totals).toMatchObject({ chats: 5, closed: 3 });
    expect(r.totals.wait).toEqual({ count: 4, median: 20, p90: 93 });
    expect(r.totals.firstResponse).toEqual({ count: 3, median: 90, p90: 210 });
    expect(r.totals.handle.count).toBe(3);
  });

  it('breaks chats down per agent and per queue, and filters by either', async () => {
    const r = await report(period);
    const byName = Object.fromEntries(r.agents.map((a) => [a.name, a.chats]));
    expect(byName).toEqual({ 'Alice Agent': 2, 'Bob Agent': 2 });
    expect(Object.fromEntries(r.queues.map((q) => [q.name, q.chats]))).toEqual({ Sales: 3, Ventas: 2 });
    const sales = await report({ ...period, queueId: s.queues.sales.id });
    expect(sales.totals.chats).toBe(3);
    const alice = await report({ ...period, agentId: s.users.alice.id });
    expect(alice.totals.chats).toBe(2);
    expect(alice.failedSends).toEqual([]);
  });

  it('counts failed sends by reason', async () => {
    const r = await report(period);
    expect(r.failedSends).toEqual([{ errorCode: '63016', reason: 'The 24-hour window is closed', count: 1 }]);
  });

  it('exports the numbers behind each chart as CSV', async () => {
    const res = await app.fetch(`/api/v1/reports?${new URLSearchParams({ ...period, format: 'csv', section: 'agents' })}`, { token: tokens.admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('agent_id,agent,chats,closed,wait_median_s,wait_p90_s,first_response_median_s,first_response_p90_s,handle_median_s,handle_p90_s');
    expect(lines).toHaveLength(3);
    const volume = await (await app.fetch(`/api/v1/reports?${new URLSearchParams({ ...period, format: 'csv', section: 'volume' })}`, { token: tokens.admin })).text();
    expect(volume.split('\r\n')[1]).toBe('2026-03-02,1,1,2');
  });

  it('is for supervisors and admins, and checks its parameters', async () => {
    expect((await app.fetch('/api/v1/reports')).status).toBe(401);
    expect((await app.fetch('/api/v1/reports', { token: tokens.alice })).status).toBe(403);
    for (const q of ['tz=Mars/Base', 'from=2026-05-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'bucket=week', 'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z']) {
      expect((await app.fetch(`/api/v1/reports?${q}`, { token: tokens.supervisor })).status, q).toBe(400);
    }
  });
});
