import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { conversations, messages } from '@/db/schema';
import { closeSilentConversations } from '@/lib/routing/resolve';
import { getBoss } from '@/lib/jobs/boss';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/twilio';
import { addQueueMembers } from '@/db/queries/queues';
import { createAgent, createQueueWithAgents, customerWrites, getConversation, post, setPresence } from '../helpers/routing';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const notes = async (conversationId: string) =>
  (await app.runtime.db.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq)))
    .filter((m) => m.kind === 'system')
    .map((m) => ({ body: m.body, direction: m.direction, status: m.status }));

const listIds = async (token: string) =>
  ((await (await app.fetch('/api/v1/conversations', { token })).json()) as { items: { id: string }[] }).items.map((i) => i.id);

async function activeChat(opts: Parameters<typeof createQueueWithAgents>[1] = { agents: [{}] }) {
  const setup = await createQueueWithAgents(app, opts);
  const [agent] = setup.agents;
  await setPresence(app, agent!, 'available');
  const c = await customerWrites(app, setup.ch);
  expect((await post(app, `/api/v1/conversations/${c.id}/accept`, agent!.token)).status).toBe(200);
  return { ...setup, agent: agent!, c };
}

describe('transfer', { timeout: 120_000 }, () => {
  it('to an agent: it becomes theirs and vanishes from the previous agent; within their limit only', async () => {
    const { agent, c, queue } = await activeChat();
    const target = await createAgent(app, { name: 'Target', maxChats: 1 });
    const full = await createAgent(app, { name: 'Full', maxChats: 0 });
    await addQueueMembers(app.runtime.db.db, { queueId: queue.id, userIds: [target.id, full.id] });
    await setPresence(app, target, 'available');
    await setPresence(app, full, 'available');

    const refused = await post(app, `/api/v1/conversations/${c.id}/transfer`, agent.token, { agentId: full.id });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('limit_reached');

    const res = await post(app, `/api/v1/conversations/${c.id}/transfer`, agent.token, { agentId: target.id });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: c.id, status: 'active', assigneeId: target.id, queueId: queue.id });
    expect(await listIds(agent.token)).not.toContain(c.id);
    expect(await listIds(target.token)).toContain(c.id);
    // The previous agent can no longer act on it.
    expect((await post(app, `/api/v1/conversations/${c.id}/resolve`, agent.token)).status).toBe(404);
    expect((await notes(c.id)).at(-1)).toEqual({
      body: `Transferred to Target by ${agent.name}.`,
      direction: 'outbound',
      status: 'sent',
    });
  });

  it('to a queue: it waits there (least_busy places it at once) and the previous agent loses it', async () => {
    const { agent, c } = await activeChat();
    const other = await createQueueWithAgents(app, { routingRule: 'least_busy', agents: [{ name: 'Other queue agent' }] });
    await setPresence(app, other.agents[0]!, 'available');

    const res = await post(app, `/api/v1/conversations/${c.id}/transfer`, agent.token, { queueId: other.queue.id });
    expect(res.status).toBe(200);
    const moved = await eventually(async () => {
      const x = await getConversation(app, c.id);
      return x.assigneeId === other.agents[0]!.id ? x : undefined;
    });
    expect(moved).toMatchObject({ queueId: other.queue.id, status: 'active' });
    expect(await listIds(agent.token)).not.toContain(c.id);
    expect((await notes(c.id)).map((n) => n.body)).toContain(`Transferred to the ${other.queue.name} queue by ${agent.name}.`);
  });

  it('to a person: only a member of the chat’s queue (any role), never an outsider, admin or not', async () => {
    const { agent, c, queue } = await activeChat();
    const outsider = await createAgent(app, { role: 'admin', name: 'Outside Admin' });
    const memberSupervisor = await createAgent(app, { role: 'supervisor', name: 'Member Supervisor' });
    await addQueueMembers(app.runtime.db.db, { queueId: queue.id, userIds: [memberSupervisor.id] });
    for (const p of [outsider, memberSupervisor]) await setPresence(app, p, 'available');

    const refused = await post(app, `/api/v1/conversations/${c.id}/transfer`, agent.token, { agentId: outsider.id });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'not_in_queue',
      message: expect.stringContaining(`Outside Admin is not a member of the ${queue.name} queue`),
    });
    expect((await getConversation(app, c.id)).assigneeId).toBe(agent.id);
    // A supervisor cannot hand it to an outsider either.
    const supervisor = await createAgent(app, { role: 'supervisor' });
    expect((await post(app, `/api/v1/conversations/${c.id}/transfer`, supervisor.token, { agentId: outsider.id })).status).toBe(409);

    // A member of the queue, of any role, takes it.
    const ok = await post(app, `/api/v1/conversations/${c.id}/transfer`, agent.token, { agentId: memberSupervisor.id });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ assigneeId: memberSupervisor.id, status: 'active' });
  });

  it('refuses agents transferring chats that are not theirs, and bad bodies', async () => {
    const { c, agents } = await activeChat({ agents: [{}] });
    const stranger = await createAgent(app);
    expect((await post(app, `/api/v1/conversations/${c.id}/transfer`, stranger.token, { agentId: stranger.id })).status).toBe(404);
    const bad = await post(app, `/api/v1/conversations/${c.id}/transfer`, agents[0]!.token, { agentId: 'x', queueId: 'y' });
    expect(bad.status).toBe(400);
  });
});

describe('resolve and auto-close', { timeout: 120_000 }, () => {
  it('resolve closes the chat with who and when; the next message opens a new conversation', async () => {
    const { agent, c, ch } = await activeChat();
    const res = await post(app, `/api/v1/conversations/${c.id}/resolve`, agent.token);
    expect(res.status).toBe(200);
    const closed = await getConversation(app, c.id);
    expect(closed).toMatchObject({ status: 'closed', closedById: agent.id, closeReason: 'resolved' });
    expect(closed.closedAt!.getTime()).toBeGreaterThanOrEqual(closed.assignedAt!.getTime());
    expect((await notes(c.id)).at(-1)?.body).toBe(`Resolved by ${agent.name}.`);

    const contact = await app.runtime.db.db.query.contacts.findFirst({ where: (t, { eq: e }) => e(t.id, c.contactId) });
    const again = await customerWrites(app, ch, { from: contact!.phone, body: 'One more thing' });
    expect(again.id).not.toBe(c.id);
    expect(again.status).toBe('waiting');
  });

  it('closes active chats silent past the queue’s completion timeout, by a scheduled sweep, with a note', async () => {
    const { c, agent } = await activeChat({ completionTimeoutMinutes: 5, agents: [{}] });
    const fresh = await activeChat({ completionTimeoutMinutes: 5, agents: [{}] });
    const db = app.runtime.db.db;
    // Age the first chat's messages past the timeout; the second stays recent.
    await db.update(messages).set({ createdAt: sql`now() - interval '6 minutes'` }).where(eq(messages.conversationId, c.id));
    await db.update(conversations).set({ lastMessageAt: sql`now() - interval '6 minutes'` }).where(eq(conversations.id, c.id));

    expect(await closeSilentConversations()).toBe(1);
    expect(await getConversation(app, c.id)).toMatchObject({ status: 'closed', closeReason: 'timeout', closedById: null });
    expect((await getConversation(app, fresh.c.id)).status).toBe('active');
    expect((await notes(c.id)).at(-1)?.body).toBe('Closed automatically after 5 minutes without messages.');
    expect(await listIds(agent.token)).toContain(c.id); // still in its history list as closed
    const schedules = await getBoss().getSchedules();
    expect(schedules.map((s) => s.name)).toContain('routing.sweep');
  });
});
