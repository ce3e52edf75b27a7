import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { io as connectIo, type Socket } from 'socket.io-client';
import { apiTokens, users, type Message } from '@/db/schema';
import { addQueueMembers } from '@/db/queries/queues';
import { createSessionToken, SESSION_COOKIE } from '@/lib/auth/session';
import { messageUpdatedEvent } from '@/lib/conversations/message-events';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { AccessChangeReason } from '@/lib/events/types';
import { recheckAllSockets } from '@/lib/realtime/access-check';
import { getIo } from '@/lib/realtime/server';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  connectSocket,
  createAgent,
  createQueueWithAgents,
  customerWrites,
  getConversation,
  post,
  setPresence,
  sleep,
  type Received,
  type TestSocket,
} from '../helpers/routing';

let app: TestApp;
const sockets: TestSocket[] = [];
const raw: Socket[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of raw) s.disconnect();
  await app?.close();
});

const open = async (token: string, since?: number) => {
  const s = connectSocket(app.url, token, { since });
  sockets.push(s);
  const ready = await s.ready;
  return Object.assign(s, { info: ready });
};
const about = (id: string) => (r: Received) =>
  (r.payload.conversation as { id?: string } | undefined)?.id === id || r.payload.conversationId === id;
const bodyIs = (body: string) => (r: Received) => r.type === 'message.created' && (r.payload.message as { body?: string }).body === body;
const db = () => app.runtime.db.db;

async function contactPhone(contactId: string) {
  const c = await db().query.contacts.findFirst({ where: (t, { eq: e }) => e(t.id, contactId) });
  return c!.phone;
}

/** What the auth branch records for every change of a user's access: here by hand. */
async function accessChanged(userId: string, reason: AccessChangeReason) {
  const published = await db().transaction((tx) =>
    recordEvents(tx, [{ type: 'access.changed', audience: { userIds: [userId] }, data: { userId, reason } }]),
  );
  publishEvents(published);
}

const ended = (s: Socket) =>
  new Promise<{ reason: string; disconnected: string }>((resolve) => {
    let reason = '';
    s.once('session.ended', (p: { reason: string }) => (reason = p.reason));
    s.once('disconnect', (why) => resolve({ reason, disconnected: why }));
  });

describe('sockets see what REST shows, now', { timeout: 120_000 }, () => {
  it('a chat a colleague took: live messages stop, even one published with the queue-wide audience it had before', async () => {
    const A = await createQueueWithAgents(app, { agents: [{ name: 'Ana' }, { name: 'Ben' }] });
    const [ana, ben] = A.agents as [(typeof A.agents)[0], (typeof A.agents)[0]];
    for (const a of [ana, ben]) await setPresence(app, a, 'available');
    const sa = await open(ana.token);
    const sb = await open(ben.token);

    const c = await customerWrites(app, A.ch, { body: 'first, while waiting' });
    await sa.waitFor(bodyIs('first, while waiting'));
    const waiting = await getConversation(app, c.id); // the state a slow writer read before the accept
    expect((await post(app, `/api/v1/conversations/${c.id}/accept`, ben.token)).status).toBe(200);
    await sa.waitFor((r) => r.type === 'conversation.updated' && about(c.id)(r));

    // A status callback / retry / webhook that read the chat before Ben took it publishes now.
    const [m] = await db().query.messages.findMany({ where: (t, { eq: e }) => e(t.conversationId, c.id), limit: 1 });
    const stale = (await messageUpdatedEvent(db(), m as Message, waiting))!;
    expect(stale.audience.toQueue).toBe(true);
    publishEvents(await db().transaction((tx) => recordEvents(tx, [stale])));
    await customerWrites(app, A.ch, { from: await contactPhone(c.contactId), body: 'second, after the accept' });

    await sb.waitFor(bodyIs('second, after the accept'));
    await sb.waitFor((r) => r.type === 'message.updated' && about(c.id)(r));
    await sleep(300);
    const anaAfter = sa.received.filter((r) => about(c.id)(r) && r.type.startsWith('message.') && r.payload.eventId > (sa.received.find((x) => x.type === 'conversation.updated' && about(c.id)(x))!.payload.eventId));
    expect(anaAfter).toEqual([]);
    expect((await app.fetch(`/api/v1/conversations/${c.id}/messages`, { token: ana.token })).status).toBe(404);
  });

  it('catch-up replays no message of a chat REST answers 404 for; only the update that takes it away', async () => {
    const A = await createQueueWithAgents(app, { agents: [{ name: 'Cleo' }, { name: 'Dan' }] });
    const [cleo, dan] = A.agents as [(typeof A.agents)[0], (typeof A.agents)[0]];
    for (const a of [cleo, dan]) await setPresence(app, a, 'available');
    const first = await open(cleo.token);
    const since = first.info.lastEventId;
    first.close();

    // While Cleo is away: a chat waits in her queue, Dan takes it, the customer goes on writing.
    const taken = await customerWrites(app, A.ch, { body: 'taken: hello' });
    expect((await post(app, `/api/v1/conversations/${taken.id}/accept`, dan.token)).status).toBe(200);
    await customerWrites(app, A.ch, { from: await contactPhone(taken.contactId), body: 'taken: my card number is ...' });
    const still = await customerWrites(app, A.ch, { body: 'still waiting' });
    await sleep(300);

    const back = await open(cleo.token, since);
    expect((await app.fetch(`/api/v1/conversations/${taken.id}`, { token: cleo.token })).status).toBe(404);
    const ofTaken = back.received.filter(about(taken.id));
    expect(ofTaken.filter((r) => r.type.startsWith('message.'))).toEqual([]);
    // The one update she needs to drop it from her list: it is Dan's now.
    expect(ofTaken.map((r) => r.type)).toEqual(['conversation.updated']);
    expect(ofTaken[0]!.payload.conversation).toMatchObject({ status: 'active', assigneeId: dan.id });
    // What she may see is replayed as before.
    expect(back.received.filter(bodyIs('still waiting'))).toHaveLength(1);
    expect(back.received.some((r) => r.type === 'conversation.created' && about(still.id)(r))).toBe(true);

    // since=0: the same answer, whatever the client asks for.
    const zero = await open(cleo.token, 0);
    expect(zero.received.filter((r) => about(taken.id)(r) && r.type.startsWith('message.'))).toEqual([]);
  });

  it('a new member of a queue replays its waiting chats, not the old chats of others in it', async () => {
    const A = await createQueueWithAgents(app, { agents: [{ name: 'Eve' }] });
    const eve = A.agents[0]!;
    await setPresence(app, eve, 'available');
    const old = await customerWrites(app, A.ch, { body: 'old: private matter' });
    expect((await post(app, `/api/v1/conversations/${old.id}/accept`, eve.token)).status).toBe(200);
    await customerWrites(app, A.ch, { from: await contactPhone(old.contactId), body: 'old: more private matter' });
    const waiting = await customerWrites(app, A.ch, { body: 'waiting: anyone?' });

    const newcomer = await createAgent(app, { name: 'Newcomer' });
    await addQueueMembers(db(), { queueId: A.queue.id, userIds: [newcomer.id] });
    const s = await open(newcomer.token, 0);
    expect((await app.fetch(`/api/v1/conversations/${old.id}`, { token: newcomer.token })).status).toBe(404);
    // At most the update that says it is not theirs (had they listed it), without the customer.
    const ofOld = s.received.filter(about(old.id));
    expect(ofOld.filter((r) => r.type !== 'conversation.updated')).toEqual([]);
    for (const r of ofOld) {
      expect(r.payload.conversation).toMatchObject({ status: 'active', assigneeId: eve.id, contact: { name: null, phone: '' } });
    }
    expect(JSON.stringify(s.received)).not.toContain('private matter');
    expect(s.received.filter(bodyIs('waiting: anyone?'))).toHaveLength(1);
    expect(s.received.some(about(waiting.id))).toBe(true);
  });
});

describe('sockets end or change when access does', { timeout: 120_000 }, () => {
  it('a deactivated user’s socket is told and disconnected; other users’ sockets stay', async () => {
    const A = await createQueueWithAgents(app, { agents: [{ name: 'Gone' }, { name: 'Stays' }] });
    const [gone, stays] = A.agents as [(typeof A.agents)[0], (typeof A.agents)[0]];
    const sg = await open(gone.token);
    const ss = await open(stays.token);
    const end = ended(sg.socket);
    await db().update(users).set({ active: false }).where(eq(users.id, gone.id));
    await accessChanged(gone.id, 'deactivated');
    expect(await end).toEqual({ reason: 'deactivated', disconnected: 'io server disconnect' });

    const c = await customerWrites(app, A.ch, { body: 'after deactivation' });
    await ss.waitFor((r) => r.type === 'conversation.created' && about(c.id)(r));
    expect(ss.socket.connected).toBe(true);
    expect(sg.received.some(about(c.id))).toBe(false);
  });

  it('a supervisor demoted to agent stops seeing other queues at once', async () => {
    const A = await createQueueWithAgents(app, { agents: [{}] });
    const sup = await createAgent(app, { role: 'supervisor', name: 'Soon agent' });
    const s = await open(sup.token);
    const before = await customerWrites(app, A.ch, { body: 'seen as supervisor' });
    await s.waitFor((r) => r.type === 'conversation.created' && about(before.id)(r));

    await db().update(users).set({ role: 'agent' }).where(eq(users.id, sup.id));
    await accessChanged(sup.id, 'role_changed');
    await sleep(500);
    const after = await customerWrites(app, A.ch, { body: 'not for an agent of no queue' });
    await sleep(500);
    expect(s.socket.connected).toBe(true);
    expect(s.received.some(about(after.id))).toBe(false);
    expect(s.received.some(bodyIs('not for an agent of no queue'))).toBe(false);
  });

  it('a revoked API token ends its socket; a token revoked while an event was missed ends at the periodic check', async () => {
    const A = await createQueueWithAgents(app, { agents: [{}, {}] });
    const [one, two] = A.agents as [(typeof A.agents)[0], (typeof A.agents)[0]];
    const s1 = await open(one.token);
    const s2 = await open(two.token);
    const end1 = ended(s1.socket);
    await db().update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.userId, one.id));
    await accessChanged(one.id, 'token_revoked');
    expect(await end1).toEqual({ reason: 'token_revoked', disconnected: 'io server disconnect' });

    // No event this time (say it was lost): the periodic re-check finds it.
    const end2 = ended(s2.socket);
    await db().update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.userId, two.id));
    await sleep(200);
    expect(s2.socket.connected).toBe(true);
    const result = await recheckAllSockets(getIo()!);
    expect(result.ended).toBeGreaterThanOrEqual(1);
    expect(await end2).toEqual({ reason: 'expired', disconnected: 'io server disconnect' });
  });
});

describe('the periodic re-check', { timeout: 120_000 }, () => {
  it('costs one credential check per distinct token or cookie (figure printed), and ends nobody still allowed', async () => {
    const people = await Promise.all(Array.from({ length: 100 }, (_, i) => createAgent(app, { name: `Many ${i}` })));
    await Promise.all(people.map((p) => open(p.token)));
    const sockets = getIo()!.of('/').sockets.size;
    const t0 = performance.now();
    const result = await recheckAllSockets(getIo()!);
    console.log(`periodic re-check of ${sockets} sockets: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(result.ended).toBe(0);
  });
});

describe('cross-origin handshakes', { timeout: 60_000 }, () => {
  const handshake = (headers: Record<string, string>) => {
    const s = connectIo(app.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: headers });
    raw.push(s);
    return new Promise<'ready' | string>((resolve) => {
      s.once('ready', () => resolve('ready'));
      s.once('connect_error', (err) => resolve(`refused: ${err.message}`));
    });
  };

  it('refuses a page of another origin carrying the session cookie; same origin and token clients connect', async () => {
    const admin = await createAgent(app, { role: 'admin', name: 'Cookie admin' });
    const cookie = `${SESSION_COOKIE}=${await createSessionToken(admin)}`;
    expect(await handshake({ cookie, origin: 'http://evil.localhost:1234' })).toMatch(/^refused/);
    expect(await handshake({ cookie, origin: app.url.replace('127.0.0.1', 'localhost') })).toMatch(/^refused/);
    expect(await handshake({ cookie, origin: app.url, 'sec-fetch-site': 'cross-site' })).toMatch(/^refused/);
    expect(await handshake({ cookie, origin: app.url })).toBe('ready');
    // A non-browser client: no Origin, a token.
    const tokenClient = await open(admin.token);
    expect(tokenClient.socket.connected).toBe(true);
  });

  it('refuses the raw handshakes too: the websocket upgrade and the polling request (no Socket.IO client involved)', async () => {
    const { WebSocket } = await import('ws');
    const upgrade = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${app.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        headers: { origin: 'http://evil.localhost:1234' },
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('open', () => (ws.close(), resolve({ status: 101, body: '' })));
      ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
    });
    // engine.io answers a refused upgrade 400 with the reason; a refused polling request 403.
    expect(upgrade).toEqual({ status: 400, body: 'cross-origin request refused' });
    const polling = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.localhost:1234' } });
    expect(polling.status).toBe(403);
    const own = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: app.url } });
    expect(own.status).toBe(200);
  });
});
