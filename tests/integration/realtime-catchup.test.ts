import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, gt } from 'drizzle-orm';
import { events } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
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

const open = async (token: string, since?: number) => {
  const s = connectSocket(app.url, token, { since });
  sockets.push(s);
  return { s, ready: await s.ready };
};

/** The outbox events after `since` that concern the queue (what its agent may see), in order. */
async function queueEventIds(queueId: string, since: number): Promise<number[]> {
  const rows = await app.runtime.db.db.select().from(events).where(gt(events.id, since)).orderBy(asc(events.id));
  return rows
    .filter((r) => r.queueId === queueId && (r.payload as { audience: { toQueue?: boolean } }).audience.toQueue)
    .map((r) => r.id);
}

describe('catch-up with auth.since', { timeout: 120_000 }, () => {
  it('replays what a client missed while away, in order, only what it may see, then live events', async () => {
    const mine = await createQueueWithAgents(app, { agents: [{}] });
    const other = await createQueueWithAgents(app, { agents: [{}] });
    const { s: first, ready } = await open(mine.agents[0]!.token);
    const since = ready.lastEventId;
    expect(since).toBeGreaterThanOrEqual(0);
    first.close();

    // While it is away: three chats in its queue, two in another.
    for (let i = 0; i < 3; i++) await customerWrites(app, mine.ch, { body: `missed ${i}` });
    for (let i = 0; i < 2; i++) await customerWrites(app, other.ch, { body: `not yours ${i}` });
    await sleep(300);
    const expected = await queueEventIds(mine.queue.id, since);
    // Per chat: created and its message; the queue's counters at least once (recounts are coalesced).
    expect(expected.length).toBeGreaterThanOrEqual(7);

    const { s: back, ready: info } = await open(mine.agents[0]!.token, since);
    expect(info.replayed).toBe(expected.length);
    expect(back.received.map((r) => r.payload.eventId)).toEqual(expected);
    const bodies = back.received
      .filter((r) => r.type === 'message.created')
      .map((r) => (r.payload.message as { body: string }).body);
    expect(bodies).toEqual(['missed 0', 'missed 1', 'missed 2']);

    // Then live, continuing the same sequence.
    await customerWrites(app, mine.ch, { body: 'live' });
    await back.waitFor((r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'live');
    const ids = back.received.map((r) => r.payload.eventId);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  });

  it('loses nothing and repeats nothing when it reconnects while events are being published', async () => {
    const q = await createQueueWithAgents(app, { agents: [{}] });
    const { s: first } = await open(q.agents[0]!.token);
    await customerWrites(app, q.ch, { body: 'before' });
    await first.waitFor((r) => r.type === 'message.created');
    const since = Math.max(...first.received.map((r) => r.payload.eventId));
    first.close();

    // Webhooks keep arriving while the client reconnects with `since`.
    const burst = Promise.all(Array.from({ length: 12 }, (_, i) => customerWrites(app, q.ch, { body: `burst ${i}` })));
    await sleep(20);
    const { s: back } = await open(q.agents[0]!.token, since);
    await burst;
    await sleep(800);
    const expected = await queueEventIds(q.queue.id, since);
    const got = back.received.map((r) => r.payload.eventId);
    expect(got).toEqual(expected);
  });
});
