import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { events } from '@/db/schema';
import type { Audience, PublishedEvent } from '@/lib/events/types';
import { deliverLocal } from '@/lib/realtime/delivery';
import { getIo } from '@/lib/realtime/server';
import { startTestApp, type TestApp } from '../helpers/app';
import { connectSocket, customerWrites, sleep, type TestSocket } from '../helpers/routing';
import { createTwilioChannel, type TestChannel } from '../helpers/twilio';

/**
 * An event a process committed and then died before relaying reaches the other processes late,
 * from the outbox (the relay's repair pass). A socket that moved over from the dead process and
 * caught up from a `since` past that event's id (it had seen later events, relayed from others)
 * still needs it; one that replayed it must not get it twice.
 */
let app: TestApp;
let ch: TestChannel;
let token: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  app = await startTestApp();
  ch = await createTwilioChannel(app);
  const sup = await app.createUser({ role: 'supervisor' });
  token = await app.tokenFor(sup.email, sup.password);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

const toPublished = (r: typeof events.$inferSelect): PublishedEvent => {
  const p = r.payload as { audience: Audience; data: PublishedEvent['data'] };
  return { type: r.type, audience: p.audience, data: p.data, eventId: r.id, createdAt: r.createdAt.toISOString() } as PublishedEvent;
};

describe('late events from the outbox', () => {
  it('reach a socket whose since was past them, and not one that replayed them', async () => {
    await customerWrites(app, ch, { body: 'the one the dead process never relayed' });
    const [late] = await app.runtime.db.db
      .select()
      .from(events)
      .where(eq(events.type, 'message.created'))
      .orderBy(desc(events.id))
      .limit(1);
    await customerWrites(app, ch, { body: 'a later one, relayed by another process' });
    const latest = (await app.runtime.db.db.select().from(events).orderBy(desc(events.id)).limit(1))[0]!.id;
    expect(latest).toBeGreaterThan(late!.id);

    const movedPast = connectSocket(app.url, token, { since: latest });
    const replayedIt = connectSocket(app.url, token, { since: late!.id - 1 });
    sockets.push(movedPast, replayedIt);
    await Promise.all([movedPast.ready, replayedIt.ready]);
    const lateId = late!.id;
    expect(replayedIt.received.filter((r) => r.payload.eventId === lateId)).toHaveLength(1);

    deliverLocal(getIo()!, toPublished(late!), { late: true });
    await movedPast.waitFor((r) => r.payload.eventId === lateId, 5_000);
    await sleep(300);
    expect(movedPast.received.filter((r) => r.payload.eventId === lateId)).toHaveLength(1);
    expect(replayedIt.received.filter((r) => r.payload.eventId === lateId)).toHaveLength(1);

    // The same old event, relayed normally (not late), is not news to either.
    deliverLocal(getIo()!, toPublished(late!));
    await sleep(300);
    expect(movedPast.received.filter((r) => r.payload.eventId === lateId)).toHaveLength(1);
  });
});
