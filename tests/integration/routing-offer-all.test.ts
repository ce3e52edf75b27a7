import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAgent, createQueueWithAgents, customerWrites, getConversation, post, setPresence } from '../helpers/routing';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const accept = (token: string, id: string) => post(app, `/api/v1/conversations/${id}/accept`, token);

describe('offer_all', { timeout: 120_000 }, () => {
  it('offers a waiting chat to the queue; of simultaneous accepts exactly one wins', async () => {
    const { agents, ch, queue } = await createQueueWithAgents(app, { agents: [{}, {}, {}, {}] });
    for (const a of agents) await setPresence(app, a, 'available');
    const c = await customerWrites(app, ch);
    expect(c.status).toBe('waiting');

    // Every member sees it waiting in its list.
    for (const a of agents) {
      const res = await app.fetch(`/api/v1/conversations?status=waiting&queueId=${queue.id}`, { token: a.token });
      const body = (await res.json()) as { items: { id: string }[] };
      expect(body.items.map((i) => i.id)).toContain(c.id);
    }

    const results = await Promise.all(agents.map((a) => accept(a.token, c.id)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
    const winner = agents[results.findIndex((r) => r.status === 200)]!;
    const loser = results.find((r) => r.status === 409)!;
    expect(((await loser.json()) as { error: { code: string } }).error.code).toBe('already_taken');

    const after = await getConversation(app, c.id);
    expect(after).toMatchObject({ status: 'active', assigneeId: winner.id });
    expect(after.assignedAt).toBeInstanceOf(Date);
    // The transcript notes who took it.
    const notes = await app.runtime.db.db.select().from(messages).where(eq(messages.conversationId, c.id));
    expect(notes.filter((m) => m.kind === 'system').map((m) => m.body)).toEqual([`${winner.name} accepted the chat.`]);

    // The others no longer see it; the winner does.
    for (const a of agents) {
      const res = await app.fetch(`/api/v1/conversations?queueId=${queue.id}`, { token: a.token });
      const ids = ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
      expect(ids.includes(c.id), a.name).toBe(a.id === winner.id);
    }
  });

  it('never lets an agent exceed its limit, and only available members may take chats', async () => {
    const { agents, ch } = await createQueueWithAgents(app, { agents: [{ maxChats: 2 }] });
    const [agent] = agents;
    const chats = [await customerWrites(app, ch), await customerWrites(app, ch), await customerWrites(app, ch)];

    const away = await accept(agent!.token, chats[0]!.id);
    expect(away.status).toBe(409);
    expect(((await away.json()) as { error: { code: string } }).error.code).toBe('not_available');

    await setPresence(app, agent!, 'available');
    const results = await Promise.all(chats.map((c) => accept(agent!.token, c.id)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'limit_reached',
      message: expect.stringContaining('2 of your 2'),
    });
  });

  it('refuses accepts from agents outside the queue (404: not theirs to see) and of closed chats', async () => {
    const { agents, ch } = await createQueueWithAgents(app, { agents: [{}] });
    const outsider = await createAgent(app);
    await setPresence(app, outsider, 'available');
    const c = await customerWrites(app, ch);
    expect((await accept(outsider.token, c.id)).status).toBe(404);
    const list = await app.fetch('/api/v1/conversations', { token: outsider.token });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(0);

    await setPresence(app, agents[0]!, 'available');
    expect((await accept(agents[0]!.token, c.id)).status).toBe(200);
    expect((await post(app, `/api/v1/conversations/${c.id}/resolve`, agents[0]!.token)).status).toBe(200);
    expect((await accept(agents[0]!.token, c.id)).status).toBe(409);
  });

  it('pages the conversation list with a cursor, waiting chats oldest first', async () => {
    const { agents, ch, queue } = await createQueueWithAgents(app, { agents: [{}] });
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await customerWrites(app, ch)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/conversations?status=waiting&queueId=${queue.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await (await app.fetch(q, { token: agents[0]!.token })).json()) as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
    const bad = await app.fetch('/api/v1/conversations?cursor=nonsense', { token: agents[0]!.token });
    expect(bad.status).toBe(400);
  });
});
