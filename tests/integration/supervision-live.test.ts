import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contacts, conversations, queueMembers, queues, users } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
const tokens: Record<string, string> = {};
const ago = (s: number) => new Date(Date.now() - s * 1000);

type Summary = {
  since: string;
  totals: { waiting: number; active: number; handledToday: number; longestWaitSeconds: number | null };
  queues: {
    id: string;
    name: string;
    waiting: number;
    longestWaitSeconds: number | null;
    active: number;
    handledToday: number;
    medianFirstResponseSeconds: number | null;
    agents: { available: number; away: number; offline: number };
  }[];
  agents: { id: string; name: string; presence: string; load: number; maxChats: number; queueIds: string[] }[];
  chats: { id: string; status: string; contactName: string | null; lastMessage: string | null }[];
};

let ids: { support: string; billing: string; alice: string; bob: string; carol: string; waitingOld: string };

beforeAll(async () => {
  app = await startTestApp();
  const db = app.runtime.db.db;
  for (const role of ['admin', 'supervisor', 'agent'] as const) {
    const u = await app.createUser({ role, email: `${role}@live.test` });
    tokens[role] = await app.tokenFor(u.email, u.password);
  }
  const alice = await app.createUser({ role: 'agent', name: 'Alice', presence: 'available', maxChats: 3 });
  const bob = await app.createUser({ role: 'agent', name: 'Bob', presence: 'away' });
  const carol = await app.createUser({ role: 'agent', name: 'Carol', presence: 'offline' });
  const [support, billing] = await db.insert(queues).values([{ name: 'Support' }, { name: 'Billing' }]).returning();
  await db.insert(queueMembers).values([
    { queueId: support!.id, userId: alice.id },
    { queueId: support!.id, userId: bob.id },
    { queueId: billing!.id, userId: carol.id },
    { queueId: billing!.id, userId: alice.id },
  ]);
  const [ch] = await db.insert(channels).values({ name: 'WA', provider: 'simulator', phoneNumber: '+15550001', queueId: support!.id }).returning();
  const people = await db
    .insert(contacts)
    .values(Array.from({ length: 8 }, (_, i) => ({ phone: `+1555000100${i}`, name: `Customer ${i}` })))
    .returning();
  const base = { channelId: ch!.id, language: 'en' };
  const rows = await db
    .insert(conversations)
    .values([
      // Support: two waiting (5 and 2 minutes), two active with Alice, one with Bob; three closed today.
      { ...base, contactId: people[0]!.id, queueId: support!.id, status: 'waiting', createdAt: ago(300) },
      { ...base, contactId: people[1]!.id, queueId: support!.id, status: 'waiting', createdAt: ago(120) },
      { ...base, contactId: people[2]!.id, queueId: support!.id, status: 'active', assigneeId: alice.id, createdAt: ago(900), assignedAt: ago(880) },
      { ...base, contactId: people[3]!.id, queueId: billing!.id, status: 'active', assigneeId: alice.id, createdAt: ago(800), assignedAt: ago(790) },
      { ...base, contactId: people[4]!.id, queueId: support!.id, status: 'active', assigneeId: bob.id, createdAt: ago(700), assignedAt: ago(690) },
      { ...base, contactId: people[5]!.id, queueId: support!.id, status: 'closed', assigneeId: bob.id, createdAt: ago(3000), assignedAt: ago(2990), firstResponseAt: ago(2940), closedAt: ago(2000) },
      { ...base, contactId: people[5]!.id, queueId: support!.id, status: 'closed', assigneeId: alice.id, createdAt: ago(2500), assignedAt: ago(2490), firstResponseAt: ago(2380), closedAt: ago(1900) },
      { ...base, contactId: people[5]!.id, queueId: support!.id, status: 'closed', assigneeId: alice.id, createdAt: ago(2400), assignedAt: ago(2390), firstResponseAt: ago(2100), closedAt: ago(1800) },
      // Closed long ago: not today.
      { ...base, contactId: people[6]!.id, queueId: billing!.id, status: 'closed', assigneeId: carol.id, createdAt: ago(4 * 86400), assignedAt: ago(4 * 86400), firstResponseAt: ago(4 * 86400 - 30), closedAt: ago(4 * 86400 - 600) },
    ] as (typeof conversations.$inferInsert)[])
    .returning();
  ids = { support: support!.id, billing: billing!.id, alice: alice.id, bob: bob.id, carol: carol.id, waitingOld: rows[0]!.id };
});
afterAll(() => app?.close());

async function summary(query = ''): Promise<Summary> {
  const res = await app.fetch(`/api/v1/supervision${query}`, { token: tokens.supervisor });
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

describe('live summary', () => {
  it('counts waiting and active chats per queue with the longest wait', async () => {
    const s = await summary();
    const support = s.queues.find((q) => q.id === ids.support)!;
    const billing = s.queues.find((q) => q.id === ids.billing)!;
    expect(support).toMatchObject({ waiting: 2, active: 2 });
    expect(support.longestWaitSeconds).toBeGreaterThanOrEqual(299);
    expect(support.longestWaitSeconds).toBeLessThan(330);
    expect(billing).toMatchObject({ waiting: 0, active: 1, longestWaitSeconds: null });
    expect(s.totals).toMatchObject({ waiting: 2, active: 3 });
  });

  it('shows agents available / away / offline per queue, with load against their limit', async () => {
    const s = await summary();
    expect(s.queues.find((q) => q.id === ids.support)!.agents).toEqual({ available: 1, away: 1, offline: 0 });
    expect(s.queues.find((q) => q.id === ids.billing)!.agents).toEqual({ available: 1, away: 0, offline: 1 });
    const alice = s.agents.find((a) => a.id === ids.alice)!;
    expect(alice).toMatchObject({ presence: 'available', load: 2, maxChats: 3 });
    expect(alice.queueIds.sort()).toEqual([ids.support, ids.billing].sort());
    expect(s.agents.find((a) => a.id === ids.carol)).toMatchObject({ presence: 'offline', load: 0 });
  });

  it('counts chats handled today and the median first response today', async () => {
    // "Today" as the browser says (its local midnight): here two hours ago, so the test does not
    // depend on the hour it runs at (the closes were 30-50 minutes ago).
    const s = await summary(`?since=${encodeURIComponent(ago(7200).toISOString())}`);
    const support = s.queues.find((q) => q.id === ids.support)!;
    // First responses 60 s, 120 s and 300 s after the chat started.
    expect(support).toMatchObject({ handledToday: 3, medianFirstResponseSeconds: 120 });
    expect(s.queues.find((q) => q.id === ids.billing)).toMatchObject({ handledToday: 0, medianFirstResponseSeconds: null });
    // "Today" can start at the client's midnight: a since after the closes counts none.
    const later = await summary(`?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`);
    expect(later.totals.handledToday).toBe(0);
    // Without one, today starts at midnight UTC.
    const utcMidnight = new Date();
    utcMidnight.setUTCHours(0, 0, 0, 0);
    expect((await summary()).since).toBe(utcMidnight.toISOString());
  });

  it('lists open chats, waiting ones first with the longest wait at the top', async () => {
    const s = await summary();
    expect(s.chats.map((c) => c.status)).toEqual(['waiting', 'waiting', 'active', 'active', 'active']);
    expect(s.chats[0]).toMatchObject({ id: ids.waitingOld, contactName: 'Customer 0' });
  });

  it('follows changes: a chat picked up moves from waiting to active', async () => {
    const db = app.runtime.db.db;
    await db.update(conversations).set({ status: 'active', assigneeId: ids.bob, assignedAt: new Date() }).where(eq(conversations.id, ids.waitingOld));
    const s = await summary();
    expect(s.queues.find((q) => q.id === ids.support)).toMatchObject({ waiting: 1, active: 3 });
    expect(s.agents.find((a) => a.id === ids.bob)!.load).toBe(2);
    await db.update(users).set({ presence: 'offline' }).where(eq(users.id, ids.alice));
    expect((await summary()).queues.find((q) => q.id === ids.support)!.agents).toEqual({ available: 0, away: 1, offline: 1 });
  });

  it('is for supervisors and admins only', async () => {
    expect((await app.fetch('/api/v1/supervision')).status).toBe(401);
    expect((await app.fetch('/api/v1/supervision', { token: tokens.agent })).status).toBe(403);
    expect((await app.fetch('/api/v1/supervision', { token: tokens.admin })).status).toBe(200);
    expect((await app.fetch('/api/v1/supervision?since=yesterday', { token: tokens.admin })).status).toBe(400);
  });
});
