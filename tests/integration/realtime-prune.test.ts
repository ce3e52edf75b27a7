import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gt, lte, sql } from 'drizzle-orm';
import { events } from '@/db/schema';
import { getLatestEventId } from '@/db/queries/events';
import { PRUNE_EVENTS_JOB, pruneEvents } from '@/lib/events/prune';
import { enqueueJob, getBoss } from '@/lib/jobs/boss';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/twilio';
import { connectSocket, createQueueWithAgents, customerWrites, sleep, type TestSocket } from '../helpers/routing';

let app: TestApp;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

const db = () => app.runtime.db.db;
const count = async (where?: ReturnType<typeof gt>) =>
  Number((await db().select({ n: sql<number>`count(*)::int` }).from(events).where(where))[0]!.n);

const open = async (token: string, since?: number) => {
  const s = connectSocket(app.url, token, { since });
  sockets.push(s);
  let resync = false;
  s.socket.on('resync', () => (resync = true));
  const ready = (await s.ready) as { lastEventId: number; replayed: number; truncated: boolean };
  return { s, ready, resync: () => resync };
};

describe('outbox pruning', { timeout: 120_000 }, () => {
  it('a scheduled job deletes what catch-up no longer needs; a client older than what is kept gets resync', async () => {
    const q = await createQueueWithAgents(app, { agents: [{}] });
    const token = q.agents[0]!.token;
    const since0 = (await open(token)).ready.lastEventId;
    for (let i = 0; i < 3; i++) await customerWrites(app, q.ch, { body: `old ${i}` });
    await sleep(200);
    const since1 = await getLatestEventId(db());
    for (let i = 0; i < 2; i++) await customerWrites(app, q.ch, { body: `recent ${i}` });
    await sleep(200);
    // Everything up to since1 happened "7 hours ago", past the catch-up window.
    await db().update(events).set({ createdAt: sql`now() - interval '7 hours'` }).where(lte(events.id, since1));
    const recent = await count(gt(events.id, since1));
    expect(await count(lte(events.id, since1))).toBeGreaterThan(0);

    expect((await getBoss().getSchedules()).map((s) => s.name)).toContain(PRUNE_EVENTS_JOB);
    await enqueueJob(PRUNE_EVENTS_JOB, {});
    await eventually(async () => ((await count(lte(events.id, since1))) === 0 ? true : undefined));
    expect(await count(gt(events.id, since1))).toBe(recent);

    // Away since before the pruned events: told to reload, nothing half-replayed.
    const stale = await open(token, since0);
    expect(stale.ready).toMatchObject({ truncated: true, replayed: 0 });
    expect(stale.resync()).toBe(true);
    expect(stale.s.received).toEqual([]);
    // Away since after them: the usual replay.
    const fresh = await open(token, since1);
    expect(fresh.ready.truncated).toBe(false);
    const bodies = fresh.s.received.filter((r) => r.type === 'message.created').map((r) => (r.payload.message as { body: string }).body);
    expect(bodies).toEqual(['recent 0', 'recent 1']);
    // Live events go on after a prune.
    await customerWrites(app, q.ch, { body: 'live' });
    await fresh.s.waitFor((r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'live');
  });

  it('keeps at most the newest N, deleting in short batches, and always the newest event', async () => {
    // 50,000 synthetic old events: the figure printed is what one prune of them costs.
    await db().execute(sql`insert into events (type, payload, created_at)
      select 'queue.updated', jsonb_build_object('audience', jsonb_build_object('userIds', jsonb_build_array()), 'data', jsonb_build_object('queueId', gen_random_uuid())),
        now() - interval '1 hour' from generate_series(1, 50000)`);
    const newest = await getLatestEventId(db());
    const result = await pruneEvents(db(), { keepHours: 1000, keepNewest: 1000, batch: 5000 });
    console.log(`pruned ${result.deleted} events in ${result.ms} ms (batches of 5000)`);
    expect(await count(lte(events.id, newest - 1000))).toBe(0);
    expect(await count(gt(events.id, newest - 1000))).toBe(1000);

    const all = await pruneEvents(db(), { keepHours: 0, keepNewest: 0, batch: 100 });
    expect(all.deleted).toBe(999);
    expect(await getLatestEventId(db())).toBe(newest);
  });
});
