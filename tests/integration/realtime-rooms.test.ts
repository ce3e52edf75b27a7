import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectIo } from 'socket.io-client';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  connectSocket,
  createAgent,
  createQueueWithAgents,
  customerWrites,
  post,
  setPresence,
  sleep,
  type TestSocket,
} from '../helpers/routing';

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
  await s.ready;
  return s;
};
const about = (id: string) => (r: { payload: Record<string, unknown> }) =>
  (r.payload.conversation as { id?: string } | undefined)?.id === id || r.payload.conversationId === id;

describe('socket rooms', { timeout: 120_000 }, () => {
  it('refuses a handshake without a valid token', async () => {
    const s = connectIo(app.url, { transports: ['websocket'], reconnection: false, auth: { token: 'prl_nope' } });
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    s.close();
  });

  it('an agent of queue A gets A’s chats; an agent of queue B never does, even by asking to join', async () => {
    const A = await createQueueWithAgents(app, { agents: [{ name: 'A1' }, { name: 'A2' }] });
    const B = await createQueueWithAgents(app, { agents: [{ name: 'B1' }] });
    const supervisor = await createAgent(app, { role: 'supervisor', name: 'Sup' });
    for (const a of [...A.agents, ...B.agents]) await setPresence(app, a, 'available');
    const [a1, a2] = await Promise.all(A.agents.map((a) => open(a.token)));
    const b1 = await open(B.agents[0]!.token);
    const sup = await open(supervisor.token);
    // Whatever a client asks for, membership is the server's decision.
    for (const ask of ['join', 'subscribe', 'room:join']) {
      b1.socket.emit(ask, `queue:${A.queue.id}`);
      b1.socket.emit(ask, { room: `queue:${A.queue.id}`, queueId: A.queue.id });
    }
    await sleep(200);

    const c = await customerWrites(app, A.ch, { body: 'Need help' });
    await a1!.waitFor((r) => r.type === 'conversation.created' && about(c.id)(r));
    await a2!.waitFor((r) => r.type === 'message.created' && about(c.id)(r));
    await sup.waitFor((r) => r.type === 'message.created' && about(c.id)(r));
    const queueCounter = await a1!.waitFor((r) => r.type === 'queue.updated' && r.payload.queueId === A.queue.id);
    expect(queueCounter.payload).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number) });

    // A1 accepts: A2 sees it taken by someone else (and drops it); B1 sees nothing of it.
    expect((await post(app, `/api/v1/conversations/${c.id}/accept`, A.agents[0]!.token)).status).toBe(200);
    const taken = await a2!.waitFor((r) => r.type === 'conversation.updated' && about(c.id)(r));
    expect(taken.payload.conversation).toMatchObject({ status: 'active', assigneeId: A.agents[0]!.id });
    await a1!.waitFor((r) => r.type === 'message.created' && (r.payload.message as { kind: string }).kind === 'system');

    // Later messages of the accepted chat reach its agent (and supervisors) only.
    await customerWrites(app, A.ch, { from: await contactPhone(c.contactId), body: 'Are you there?' });
    const later = await a1!.waitFor((r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'Are you there?');
    await sup.waitFor((r) => r.payload.eventId === later.payload.eventId);
    await sleep(300);
    expect(a2!.received.some((r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'Are you there?')).toBe(false);
    expect(b1.received.filter((r) => about(c.id)(r) || r.payload.queueId === A.queue.id)).toEqual([]);

    // Transferred to queue B: A1 is told (it vanishes), B1 now sees it waiting.
    expect((await post(app, `/api/v1/conversations/${c.id}/transfer`, A.agents[0]!.token, { queueId: B.queue.id })).status).toBe(200);
    const gone = await a1!.waitFor((r) => r.type === 'conversation.updated' && about(c.id)(r) && (r.payload.conversation as { status: string }).status === 'waiting');
    expect(gone.payload.conversation).toMatchObject({ assigneeId: null, queueId: B.queue.id });
    await b1.waitFor((r) => r.type === 'conversation.updated' && about(c.id)(r));

    // Every socket saw increasing eventIds, none twice.
    for (const s of [a1!, a2!, b1, sup]) {
      const ids = s.received.map((r) => r.payload.eventId);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('an agent an admin adds to a queue gets its chats at once, without reconnecting, and stops when removed', async () => {
    const A = await createQueueWithAgents(app, { agents: [{ name: 'Member' }] });
    const newcomer = await createAgent(app, { name: 'Newcomer' });
    const admin = await createAgent(app, { role: 'admin', name: 'Admin' });
    for (const a of [A.agents[0]!, newcomer]) await setPresence(app, a, 'available');
    const member = await open(A.agents[0]!.token);
    const s = await open(newcomer.token);

    const before = await customerWrites(app, A.ch, { body: 'before joining' });
    await member.waitFor((r) => r.type === 'conversation.created' && about(before.id)(r));
    await sleep(300);
    expect(s.received.some(about(before.id))).toBe(false);

    // The admin adds the newcomer to the queue (queue settings).
    const added = await app.fetch(`/api/v1/queues/${A.queue.id}`, { method: 'PATCH', token: admin.token, json: { memberIds: [A.agents[0]!.id, newcomer.id] } });
    expect(added.status).toBe(200);
    await s.waitFor((r) => r.type === 'queue.updated' && r.payload.queueId === A.queue.id && Array.isArray(r.payload.memberIds));
    const after = await customerWrites(app, A.ch, { body: 'after joining' });
    await s.waitFor((r) => r.type === 'conversation.created' && about(after.id)(r));

    // Then removes them again, this time from the user's side (user settings).
    const removed = await app.fetch(`/api/v1/users/${newcomer.id}`, { method: 'PATCH', token: admin.token, json: { queueIds: [] } });
    expect(removed.status).toBe(200);
    await s.waitFor(
      (r) => r.type === 'queue.updated' && r.payload.queueId === A.queue.id && Array.isArray(r.payload.memberIds) && !(r.payload.memberIds as string[]).includes(newcomer.id),
    );
    const gone = await customerWrites(app, A.ch, { body: 'after leaving' });
    await member.waitFor((r) => r.type === 'conversation.created' && about(gone.id)(r));
    await sleep(300);
    expect(s.received.some(about(gone.id))).toBe(false);
  });
});

async function contactPhone(contactId: string) {
  const c = await app.runtime.db.db.query.contacts.findFirst({ where: (t, { eq }) => eq(t.id, contactId) });
  return c!.phone;
}
