import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { contacts, conversations, queues, users } from '@/db/schema';
import { placeStrandedChats } from '@/lib/routing/assign';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTwilioChannel, eventually } from '../helpers/twilio';
import { createQueueWithAgents, customerWrites, getConversation, getUser, nextPhone, post, setPresence } from '../helpers/routing';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const assigned = (id: string) =>
  eventually(async () => {
    const c = await getConversation(app, id);
    return c.assigneeId ?? c.offeredToId ? c : undefined;
  }, 60_000);

describe('least_busy', { timeout: 120_000 }, () => {
  it('prefers a member who speaks the chat’s language, even a busier one', async () => {
    const { agents, ch, queue } = await createQueueWithAgents(app, {
      routingRule: 'least_busy',
      agents: [{ name: 'English only', languages: ['en'] }, { name: 'Habla español', languages: ['es', 'en'] }],
    });
    const [en, es] = agents;
    await setPresence(app, en!, 'available');
    await setPresence(app, es!, 'available');
    // The Spanish speaker gets the first (English) chat: never assigned before, so first in line.
    await app.runtime.db.db.update(users).set({ lastAssignedAt: sql`now()` }).where(eq(users.id, en!.id));
    const first = await assigned((await customerWrites(app, ch)).id);
    expect(first.assigneeId).toBe(es!.id);
    // Now busier (1 chat vs 0), it still gets the Spanish chat.
    const spanish = await createTwilioChannel(app, { queueId: queue.id, language: 'es' });
    const c = await assigned((await customerWrites(app, spanish)).id);
    expect(c.language).toBe('es');
    expect(c).toMatchObject({ status: 'active', assigneeId: es!.id });
  });

  it('assigns to the member with the fewest chats; on a tie, the one waiting longest since its last chat', async () => {
    const { agents, ch } = await createQueueWithAgents(app, { routingRule: 'least_busy', agents: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] });
    const [a, b, c] = agents;
    const db = app.runtime.db.db;
    await db.update(users).set({ lastAssignedAt: sql`now() - interval '1 minute'` }).where(eq(users.id, a!.id));
    await db.update(users).set({ lastAssignedAt: sql`now() - interval '5 minutes'` }).where(eq(users.id, b!.id));
    await db.update(users).set({ lastAssignedAt: sql`now() - interval '3 minutes'` }).where(eq(users.id, c!.id));
    for (const x of agents) await setPresence(app, x, 'available');

    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await assigned((await customerWrites(app, ch)).id)).assigneeId!);
    // All at 0: B (5 min) then C (3 min) then A (1 min); then all at 1: B again (assigned longest ago).
    expect(order).toEqual([b!.id, c!.id, a!.id, b!.id]);
  });

  it('lets chats wait when everyone is full, and serves them oldest first as slots free up', async () => {
    const { agents, ch } = await createQueueWithAgents(app, { routingRule: 'least_busy', agents: [{ maxChats: 1 }] });
    const [agent] = agents;
    await setPresence(app, agent!, 'available');
    const held = await assigned((await customerWrites(app, ch)).id);
    const older = await customerWrites(app, ch);
    const newer = await customerWrites(app, ch);
    await new Promise((r) => setTimeout(r, 300));
    expect((await getConversation(app, older.id)).status).toBe('waiting');
    expect((await getConversation(app, newer.id)).status).toBe('waiting');

    const res = await post(app, `/api/v1/conversations/${held.id}/resolve`, agent!.token);
    expect(res.status).toBe(200);
    // The freed slot goes to the oldest waiting chat, and to no other.
    expect(await getConversation(app, older.id)).toMatchObject({ status: 'active', assigneeId: agent!.id });
    expect((await getConversation(app, newer.id)).status).toBe('waiting');
  });

  it('places waiting chats, oldest first, when an agent becomes available', async () => {
    const { agents, ch } = await createQueueWithAgents(app, { routingRule: 'least_busy', agents: [{ maxChats: 2 }] });
    const chats = [await customerWrites(app, ch), await customerWrites(app, ch), await customerWrites(app, ch)];
    expect((await getConversation(app, chats[0]!.id)).status).toBe('waiting');
    const state = await setPresence(app, agents[0]!, 'available');
    expect(state).toMatchObject({ presence: 'available', load: 2, maxChats: 2 });
    const statuses = await Promise.all(chats.map(async (c) => (await getConversation(app, c.id)).status));
    expect(statuses).toEqual(['active', 'active', 'waiting']);
  });

  it('the minute sweep places a chat whose placement never ran (the process stopped after filing it)', async () => {
    const { agents, ch, queue } = await createQueueWithAgents(app, { routingRule: 'least_busy', agents: [{ maxChats: 1 }] });
    await setPresence(app, agents[0]!, 'available');
    // Filed with no event after it, as if the server died right after committing it: nothing places it.
    const db = app.runtime.db.db;
    const strand = async () => {
      const [contact] = await db.insert(contacts).values({ phone: nextPhone() }).returning();
      const [c] = await db
        .insert(conversations)
        .values({ channelId: ch.channel.id, contactId: contact!.id, queueId: queue.id, status: 'waiting', language: 'en' })
        .returning();
      return c!;
    };
    const chat = await strand();
    await new Promise((r) => setTimeout(r, 300));
    expect((await getConversation(app, chat.id)).status).toBe('waiting');

    // (The count covers every queue of this test database: other tests' chats may wait too.)
    expect(await placeStrandedChats()).toBeGreaterThanOrEqual(1);
    expect(await getConversation(app, chat.id)).toMatchObject({ status: 'active', assigneeId: agents[0]!.id });
    // Full now: another stranded chat stays waiting through the sweep.
    const next = await strand();
    await placeStrandedChats();
    expect((await getConversation(app, next.id)).status).toBe('waiting');
  });

  it('offers the chat to the next member when not accepted in time, and sets the silent agent away', async () => {
    const { agents, ch } = await createQueueWithAgents(app, {
      routingRule: 'least_busy',
      acceptTimeoutSeconds: 3,
      agents: [{ name: 'Silent' }, { name: 'Second' }],
    });
    const [silent, second] = agents;
    const db = app.runtime.db.db;
    // Silent is first in line (never assigned before vs. assigned a minute ago).
    await db.update(users).set({ lastAssignedAt: sql`now() - interval '1 minute'` }).where(eq(users.id, second!.id));
    await setPresence(app, silent!, 'available');
    await setPresence(app, second!, 'available');

    const c = await customerWrites(app, ch);
    const offered = await assigned(c.id);
    expect(offered).toMatchObject({ status: 'waiting', offeredToId: silent!.id, assigneeId: null });

    const moved = await eventually(async () => {
      const x = await getConversation(app, c.id);
      return x.offeredToId === second!.id ? x : undefined;
    }, 60_000);
    expect(moved.status).toBe('waiting');
    // Give the second agent all the time it needs (the machine running the tests may be slow).
    await db.update(queues).set({ acceptTimeoutSeconds: 600 }).where(eq(queues.id, moved.queueId));
    expect((await getUser(app, silent!.id)).presence).toBe('away');
    // The silent agent can no longer take it; the one it is offered to can.
    expect((await post(app, `/api/v1/conversations/${c.id}/accept`, silent!.token)).status).toBe(409);
    const ok = await post(app, `/api/v1/conversations/${c.id}/accept`, second!.token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'active', assigneeId: second!.id, offeredToId: null });
  });
});
