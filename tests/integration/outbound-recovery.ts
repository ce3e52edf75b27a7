import { randomBytes, randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { messages, type Channel, type Queue, type User } from '@/db/schema';
import { insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import type { TestApp } from '../helpers/app';
import type { TestDatabase } from '../helpers/db';
import { spawnServer, type ServerProcess } from '../helpers/spawn-server';
import type { TwilioLedger } from '../helpers/twilio-ledger';
import { fixtures, sleep } from './outbound-fixtures';

// Shared by the crash and database-cut tests: real Parley processes on Postgres, a fake Twilio
// that keeps a ledger, agents' replies through the API, and the figures of one run.

export const RUNS = Number(process.env.PARLEY_SEND_RECOVERY_RUNS ?? 5);
// How long a run waits for every reply to be sent before it counts the rest as lost.
export const DEADLINE_MS = Number(process.env.PARLEY_SEND_RECOVERY_DEADLINE_SECONDS ?? 60) * 1000;
export const CONVERSATIONS = 6;
export const REPLIES_PER_CONVERSATION = 2;

export const serverEnv = () => ({
  NODE_ENV: 'test',
  AUTH_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
});

export type Scenario = {
  database: TestDatabase;
  env: Record<string, string>;
  agent: User;
  token: string;
  queue: Queue;
  channel: Channel;
  fx: ReturnType<typeof fixtures>;
};

/** Just enough of TestApp for the fixtures: the test's own connection to the database. */
const direct = (database: TestDatabase): TestApp => ({ runtime: { db: database.handle } }) as unknown as TestApp;

export async function startServer(s: Pick<Scenario, 'database' | 'env'>, ledger: TwilioLedger): Promise<ServerProcess> {
  return spawnServer({ ...s.env, DATABASE_URL: s.database.url!, TWILIO_API_BASE_URL: ledger.url });
}

export async function setUpScenario(database: TestDatabase, env: Record<string, string>, server: ServerProcess): Promise<Scenario> {
  // The fixtures encrypt the channel's token with the server's key.
  process.env.ENCRYPTION_KEY = env.ENCRYPTION_KEY;
  const db = database.handle.db;
  const fx = fixtures(direct(database));
  const password = 'correct horse battery';
  const agent = await insertUser(db, {
    email: `agent-${randomBytes(4).toString('hex')}@example.test`,
    name: 'Ana Agent',
    role: 'agent',
    maxChats: 100,
    passwordHash: await hashPassword(password),
  });
  const res = await fetch(`${server.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: agent.email, password }),
  });
  if (res.status !== 201) throw new Error(`login failed: ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  const queue = await fx.queue([agent.id]);
  const channel = await fx.channel(queue.id);
  return { database, env, agent, token, queue, channel, fx };
}

export type Reply = { id: string; body: string; conversationId: string };

/** CONVERSATIONS chats, REPLIES_PER_CONVERSATION replies in each, written one after the other per chat. */
export async function sendReplies(s: Scenario, server: ServerProcess, tag: string): Promise<Reply[]> {
  const chats = await Promise.all(
    Array.from({ length: CONVERSATIONS }, () =>
      s.fx.conversation({ channelId: s.channel.id, queueId: s.queue.id, assigneeId: s.agent.id }),
    ),
  );
  const replies: Reply[] = [];
  await Promise.all(
    chats.map(async ({ conversation }, c) => {
      for (let i = 0; i < REPLIES_PER_CONVERSATION; i++) {
        const body = `${tag} chat ${c} reply ${i}`;
        const res = await fetch(`${server.url}/api/v1/conversations/${conversation.id}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
          body: JSON.stringify({ clientId: randomUUID(), text: body }),
        });
        if (res.status !== 201) throw new Error(`reply refused: ${res.status} ${await res.text()}`);
        replies.push({ id: ((await res.json()) as { id: string }).id, body, conversationId: conversation.id });
      }
    }),
  );
  return replies;
}

export async function pendingOf(s: Scenario, replies: Reply[]): Promise<number> {
  const rows = await s.database.handle.db
    .select({ status: messages.status })
    .from(messages)
    .where(inArray(messages.id, replies.map((r) => r.id)));
  return rows.filter((r) => r.status === 'pending').length;
}

/** Polls until no reply is pending or the deadline: the time the last one was seen sent (null: not all were). */
export async function waitAllSent(s: Scenario, replies: Reply[], from: number): Promise<number | null> {
  const end = from + DEADLINE_MS;
  for (;;) {
    const pending = await pendingOf(s, replies).catch(() => replies.length);
    if (pending === 0) return Date.now();
    if (Date.now() > end) return null;
    await sleep(100);
  }
}

export type RunFigures = {
  run: number;
  replies: number;
  /** Replies still pending when the server was back (the restart) or the database was (the cut). */
  pendingAfter: number;
  /** Seconds from then until the last reply was sent (null: some were not sent by the deadline). */
  secondsToLastSent: number | null;
  /** Replies Twilio accepted more than once (extra copies counted). */
  doubleSends: number;
  /** Replies never accepted by Twilio, or whose recorded sid is not the one Twilio accepted. */
  lost: number;
  /** Replies Twilio took before an earlier reply of the same chat. */
  outOfOrder: number;
  /** Create calls in flight / accepted by Twilio at the moment of the crash or the cut. */
  inFlight: number;
  acceptedBefore: number;
  reconciles: number;
};

export async function countOutcome(
  s: Scenario,
  ledger: TwilioLedger,
  replies: Reply[],
): Promise<Pick<RunFigures, 'doubleSends' | 'lost' | 'outOfOrder'>> {
  const rows = await s.database.handle.db
    .select({ id: messages.id, status: messages.status, sid: messages.providerMessageId })
    .from(messages)
    .where(inArray(messages.id, replies.map((r) => r.id)));
  let doubleSends = 0;
  let lost = 0;
  for (const r of replies) {
    const accepted = ledger.accepted((p) => p.get('Body') === r.body);
    if (accepted.length > 1) doubleSends += accepted.length - 1;
    const row = rows.find((x) => x.id === r.id);
    if (!accepted.length || !row || row.status === 'pending' || !accepted.some((a) => a.sid === row.sid)) lost++;
  }
  // Per chat, Twilio took the replies in the order they were written.
  let outOfOrder = 0;
  for (const conversationId of new Set(replies.map((r) => r.conversationId))) {
    const mine = replies.filter((r) => r.conversationId === conversationId);
    const firstAccepted = (r: Reply) => Math.min(...ledger.accepted((p) => p.get('Body') === r.body).map((c) => c.acceptedAt!));
    for (let i = 1; i < mine.length; i++) if (firstAccepted(mine[i]!) < firstAccepted(mine[i - 1]!)) outOfOrder++;
  }
  return { doubleSends, lost, outOfOrder };
}

export function printFigures(kind: string, f: RunFigures): void {
  console.log(
    `${kind} run ${f.run}: ${f.replies} replies, ${f.inFlight} at Twilio (${f.acceptedBefore} accepted) at the ${kind}; ` +
      `pending after: ${f.pendingAfter}, last sent after ${f.secondsToLastSent === null ? `more than ${DEADLINE_MS / 1000}` : f.secondsToLastSent.toFixed(1)} s; ` +
      `double sends: ${f.doubleSends}; lost: ${f.lost}; out of order: ${f.outOfOrder}; List Messages calls: ${f.reconciles}`,
  );
}

export function printTotals(kind: string, all: RunFigures[]): void {
  const secs = all.map((f) => f.secondsToLastSent);
  const sum = (k: 'pendingAfter' | 'doubleSends' | 'lost') => all.reduce((n, f) => n + f[k], 0);
  console.log(
    `${kind}, ${all.length} runs: pending after ${sum('pendingAfter')} in all, seconds to the last sent per run ${secs
      .map((x) => (x === null ? `>${DEADLINE_MS / 1000}` : x.toFixed(1)))
      .join(', ')}; double sends ${sum('doubleSends')}; lost ${sum('lost')}`,
  );
}
