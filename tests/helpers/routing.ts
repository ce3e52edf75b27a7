import { randomBytes } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { io as connectIo, type Socket } from 'socket.io-client';
import { insertApiToken } from '@/db/queries/api-tokens';
import { addQueueMembers, insertQueue } from '@/db/queries/queues';
import { insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import { sha256Hex } from '@/lib/crypto';
import { contacts, conversations, users, type Conversation, type Queue, type User } from '@/db/schema';
import type { TestApp } from './app';
import { createTwilioChannel, inboundParams, postInbound, type TestChannel } from './twilio';

export type Agent = User & { password: string; token: string };

const PASSWORD = 'correct horse battery';
let sharedHash: Promise<string> | undefined;

/**
 * A user (agent unless `role` says otherwise) with an API token. One password hash is shared and
 * the token is stored directly: password hashing is deliberately slow, and login is tested elsewhere.
 */
export async function createAgent(app: TestApp, values: Partial<User> = {}): Promise<Agent> {
  const db = app.runtime.db.db;
  sharedHash ??= hashPassword(PASSWORD);
  const user = await insertUser(db, {
    email: `agent-${randomBytes(4).toString('hex')}@example.test`,
    name: `Agent ${randomBytes(2).toString('hex')}`,
    role: 'agent',
    passwordHash: await sharedHash,
    ...values,
  });
  const token = `prl_${randomBytes(24).toString('hex')}`;
  await insertApiToken(db, { userId: user.id, name: 'test', tokenHash: sha256Hex(token) });
  return { ...user, password: PASSWORD, token };
}

export async function createQueueWithAgents(
  app: TestApp,
  opts: {
    routingRule?: Queue['routingRule'];
    acceptTimeoutSeconds?: number | null;
    completionTimeoutMinutes?: number | null;
    agents?: Partial<User>[];
  } = {},
): Promise<{ queue: Queue; agents: Agent[]; ch: TestChannel }> {
  const db = app.runtime.db.db;
  const queue = await insertQueue(db, {
    name: `q-${randomBytes(4).toString('hex')}`,
    routingRule: opts.routingRule ?? 'offer_all',
    acceptTimeoutSeconds: opts.acceptTimeoutSeconds ?? null,
    completionTimeoutMinutes: opts.completionTimeoutMinutes ?? null,
  });
  const agents: Agent[] = [];
  for (const a of opts.agents ?? []) agents.push(await createAgent(app, a));
  await addQueueMembers(db, { queueId: queue.id, userIds: agents.map((a) => a.id) });
  const ch = await createTwilioChannel(app, { queueId: queue.id });
  return { queue, agents, ch };
}

let phoneSeq = 0;
export const nextPhone = () => `+1415${String(5_000_000 + ((process.pid * 1000 + phoneSeq++) % 4_999_999)).padStart(7, '0')}`;

/** A customer writes in through the real webhook: returns the (new or open) conversation. */
export async function customerWrites(
  app: TestApp,
  ch: TestChannel,
  { from = nextPhone(), body = 'Hello', language }: { from?: string; body?: string; language?: string } = {},
): Promise<Conversation> {
  const res = await postInbound(app, ch, inboundParams(ch.channel, { Body: body }, from));
  if (res.status !== 200) throw new Error(`webhook ${res.status}: ${await res.text()}`);
  const db = app.runtime.db.db;
  // The webhook files it by phone: the open conversation of that contact on this channel.
  const [contact] = await db.select().from(contacts).where(eq(contacts.phone, from));
  let [c] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.channelId, ch.channel.id), eq(conversations.contactId, contact!.id), ne(conversations.status, 'closed')));
  if (language && c.language !== language) {
    [c] = await db.update(conversations).set({ language }).where(eq(conversations.id, c.id)).returning();
  }
  return c!;
}

export async function setPresence(app: TestApp, agent: Agent, presence: User['presence']) {
  const res = await app.fetch('/api/v1/me/presence', { method: 'PUT', token: agent.token, json: { presence } });
  if (res.status !== 200) throw new Error(`presence ${res.status}: ${await res.text()}`);
  return res.json() as Promise<{ presence: string; load: number; maxChats: number }>;
}

export async function getConversation(app: TestApp, id: string): Promise<Conversation> {
  const [c] = await app.runtime.db.db.select().from(conversations).where(eq(conversations.id, id));
  return c!;
}

export async function getUser(app: TestApp, id: string): Promise<User> {
  const [u] = await app.runtime.db.db.select().from(users).where(eq(users.id, id));
  return u!;
}

export const post = (app: TestApp, path: string, token: string, json: unknown = {}) =>
  app.fetch(path, { method: 'POST', token, json });

export type Received = { type: string; payload: { eventId: number; [k: string]: unknown } };

export type TestSocket = {
  socket: Socket;
  received: Received[];
  ready: Promise<{ lastEventId: number; replayed: number }>;
  waitFor: (pred: (r: Received) => boolean, timeoutMs?: number) => Promise<Received>;
  close: () => void;
};

/** A real socket.io-client connected with an API token (and `since` for catch-up). */
export function connectSocket(url: string, token: string, opts: { since?: number } = {}): TestSocket {
  const socket = connectIo(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    auth: { token, ...(opts.since !== undefined ? { since: opts.since } : {}) },
  });
  const received: Received[] = [];
  const waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  socket.onAny((type: string, payload: Received['payload']) => {
    if (type === 'ready' || type === 'resync') return;
    const r = { type, payload };
    received.push(r);
    for (const w of [...waiters]) {
      if (w.pred(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  });
  const ready = new Promise<{ lastEventId: number; replayed: number }>((resolve, reject) => {
    socket.once('ready', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    received,
    ready,
    waitFor: (pred, timeoutMs = 30_000) => {
      const hit = received.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timed out waiting for a socket event')), timeoutMs);
        waiters.push({ pred, resolve: (r) => (clearTimeout(t), resolve(r)) });
      });
    },
    close: () => socket.disconnect(),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
