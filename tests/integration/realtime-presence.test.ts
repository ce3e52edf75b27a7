import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/twilio';
import { connectSocket, createQueueWithAgents, customerWrites, getConversation, getUser, setPresence, sleep } from '../helpers/routing';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { PRESENCE_GRACE_SECONDS: '4' } });
});
afterAll(() => app?.close());

describe('presence', { timeout: 120_000 }, () => {
  it('PUT /me/presence validates and reports load; agent.updated reaches the agent', async () => {
    const { agents } = await createQueueWithAgents(app, { agents: [{ maxChats: 3 }] });
    const bad = await app.fetch('/api/v1/me/presence', { method: 'PUT', token: agents[0]!.token, json: { presence: 'busy' } });
    expect(bad.status).toBe(400);
    const s = connectSocket(app.url, agents[0]!.token);
    await s.ready;
    expect(await setPresence(app, agents[0]!, 'available')).toMatchObject({ presence: 'available', load: 0, maxChats: 3 });
    const e = await s.waitFor((r) => r.type === 'agent.updated');
    expect(e.payload).toMatchObject({ agentId: agents[0]!.id, presence: 'available', load: 0 });
    s.close();
  });

  it('an agent whose sockets are all gone for the grace period goes offline; a quick reconnect keeps it', async () => {
    const { agents, ch } = await createQueueWithAgents(app, { routingRule: 'least_busy', agents: [{}] });
    const [agent] = agents;
    const one = connectSocket(app.url, agent!.token);
    const two = connectSocket(app.url, agent!.token);
    await Promise.all([one.ready, two.ready]);
    await setPresence(app, agent!, 'available');

    // One tab closes, one stays: still available. Both close, one comes back within the grace: still available.
    one.close();
    await sleep(4500);
    expect((await getUser(app, agent!.id)).presence).toBe('available');
    two.close();
    await sleep(300);
    const three = connectSocket(app.url, agent!.token);
    await three.ready;
    await sleep(4500);
    expect((await getUser(app, agent!.id)).presence).toBe('available');

    // Gone for good: offline, and it gets no new chats (they wait), but keeps the one it had.
    const held = await customerWrites(app, ch);
    await eventually(async () => (await getConversation(app, held.id)).assigneeId === agent!.id);
    three.close();
    await eventually(async () => (await getUser(app, agent!.id)).presence === 'offline', 20_000);
    const next = await customerWrites(app, ch);
    await sleep(300);
    expect((await getConversation(app, next.id)).status).toBe('waiting');
    expect(await getConversation(app, held.id)).toMatchObject({ status: 'active', assigneeId: agent!.id });
  });
});
