import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { conversations } from '@/db/schema';
import { agentLoadSql } from '@/db/queries/users';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/twilio';
import { createAgent, createQueueWithAgents, customerWrites, post, setPresence, sleep } from '../helpers/routing';

// Runs on PGlite too, but the point is Postgres (DATABASE_URL): the app's pool of 10 connections
// runs these requests truly in parallel.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function loads(ids: string[]) {
  const db = app.runtime.db.db;
  const out: Record<string, number> = {};
  for (const id of ids) {
    const [r] = await db.select({ load: agentLoadSql(id) }).from(conversations).limit(1);
    out[id] = r?.load ?? 0;
  }
  return out;
}

describe('no agent over its limit, no chat assigned twice, under concurrency', { timeout: 120_000 }, () => {
  it('offer_all: every agent accepts every chat at once, while a supervisor transfers chats to them', { timeout: 180_000 }, async () => {
    const { agents, ch } = await createQueueWithAgents(app, { agents: Array.from({ length: 8 }, () => ({ maxChats: 3 })) });
    const supervisor = await createAgent(app, { role: 'supervisor' });
    for (const a of agents) await setPresence(app, a, 'available');
    const chats = await Promise.all(Array.from({ length: 30 }, () => customerWrites(app, ch)));

    const attempts: Promise<{ chat: string; agent: string; status: number; via: string }>[] = [];
    for (const c of chats) {
      for (const a of agents) {
        attempts.push(post(app, `/api/v1/conversations/${c.id}/accept`, a.token).then((r) => ({ chat: c.id, agent: a.id, status: r.status, via: 'accept' })));
      }
    }
    // Meanwhile the supervisor pushes chats (once taken) at the agents.
    for (let i = 0; i < 30; i++) {
      const c = chats[i]!;
      const a = agents[i % agents.length]!;
      attempts.push(
        sleep(i * 5).then(() =>
          post(app, `/api/v1/conversations/${c.id}/transfer`, supervisor.token, { agentId: a.id }).then((r) => ({
            chat: c.id,
            agent: a.id,
            status: r.status,
            via: 'transfer',
          })),
        ),
      );
    }
    const t0 = Date.now();
    const results = await Promise.all(attempts);
    console.log(`race: ${attempts.length} requests in ${Date.now() - t0} ms`);
    expect(results.every((r) => [200, 409].includes(r.status))).toBe(true);

    const accepted = results.filter((r) => r.via === 'accept' && r.status === 200);
    const perChat = new Map<string, number>();
    for (const r of accepted) perChat.set(r.chat, (perChat.get(r.chat) ?? 0) + 1);
    expect(Math.max(...perChat.values())).toBe(1); // never two winners for one chat

    const rows = await app.runtime.db.db
      .select()
      .from(conversations)
      .where(inArray(conversations.id, chats.map((c) => c.id)));
    const active = rows.filter((r) => r.status === 'active');
    expect(active.length).toBe(24); // 8 agents x 3: every slot used, none more
    const perAgent = await loads(agents.map((a) => a.id));
    for (const a of agents) expect(perAgent[a.id], a.name).toBe(3);
    expect(rows.filter((r) => r.status === 'waiting' && !r.assigneeId).length).toBe(6);
  });

  it('least_busy: a burst of new chats while agents flip presence never exceeds a limit', { timeout: 120_000 }, async () => {
    const { agents, ch, queue } = await createQueueWithAgents(app, {
      routingRule: 'least_busy',
      agents: Array.from({ length: 5 }, () => ({ maxChats: 2 })),
    });
    for (const a of agents) await setPresence(app, a, 'available');
    const flips = agents.map(async (a, i) => {
      for (let k = 0; k < 4; k++) {
        await sleep(10 * i);
        await setPresence(app, a, k % 2 ? 'available' : 'away');
      }
      await setPresence(app, a, 'available');
    });
    const chats = await Promise.all([...Array.from({ length: 16 }, () => customerWrites(app, ch)), ...flips]);
    expect(chats.length).toBe(21);

    // When the dust settles: 10 slots, 16 chats → 10 placed, 6 waiting; nobody over 2.
    await eventually(async () => {
      const rows = await app.runtime.db.db
        .select()
        .from(conversations)
        .where(and(eq(conversations.queueId, queue.id), eq(conversations.status, 'active')));
      return rows.length === 10;
    });
    const perAgent = await loads(agents.map((a) => a.id));
    expect(Object.values(perAgent)).toEqual([2, 2, 2, 2, 2]);
  });
});
