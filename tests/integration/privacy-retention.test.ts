import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { rowsOf } from '@/db/client';
import { attachments, auditLog, channels, contacts, conversations, erasures, events, messages, queues, type Conversation } from '@/db/schema';
import { enqueueJob } from '@/lib/jobs/boss';
import { storeMedia } from '@/lib/media/storage';
import { RETENTION_JOB } from '@/lib/privacy/retention-job';
import { applyChannelRetention, applyRetention } from '@/lib/privacy/retention';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAgent, type Agent } from '../helpers/routing';
import { eventually } from '../helpers/twilio';

let app: TestApp;
let admin: Agent;
const db = () => app.runtime.db.db;
const DAY = 86_400_000;
const ago = (days: number, plusSeconds = 0) => new Date(Date.now() - days * DAY + plusSeconds * 1000);

type Seeded = { conversation: Conversation; messageIds: string[]; storageKey: string };

/** A conversation `days` old with three messages (one with a photo) and an outbox event holding the words. */
async function seedConversation(channelId: string, queueId: string, agentId: string, days: number, status: 'closed' | 'active', words: string): Promise<Seeded> {
  const [contact] = await db().insert(contacts).values({ phone: `+1415${Math.floor(1_000_000 + Math.random() * 8_999_999)}`, name: 'Customer' }).returning();
  const [conversation] = await db()
    .insert(conversations)
    .values({
      channelId, contactId: contact!.id, queueId, language: 'en', status, assigneeId: agentId, createdAt: ago(days), lastMessageAt: ago(days, 300),
      assignedAt: ago(days, 30), firstResponseAt: ago(days, 90), closedAt: status === 'closed' ? ago(days, 600) : null,
    })
    .returning();
  const rows = await db()
    .insert(messages)
    .values([
      { conversationId: conversation!.id, channelId, direction: 'inbound', kind: 'text', status: 'received', body: `${words} one`, createdAt: ago(days, 10) },
      { conversationId: conversation!.id, channelId, direction: 'outbound', kind: 'text', status: 'failed', errorCode: '63016', errorReason: 'Window closed', body: `${words} two`, authorId: agentId, createdAt: ago(days, 90) },
      { conversationId: conversation!.id, channelId, direction: 'inbound', kind: 'media', status: 'received', body: null, raw: { Body: words }, createdAt: ago(days, 120) },
    ])
    .returning();
  const stored = await storeMedia(Buffer.from(`photo ${words}`));
  await db().insert(attachments).values({ messageId: rows[2]!.id, contentType: 'image/png', size: stored.size, sha256: stored.sha256, storageKey: stored.storageKey, status: 'ready' });
  await db().insert(events).values({ type: 'message.created', conversationId: conversation!.id, queueId, payload: { data: { message: { body: `${words} one` } } }, createdAt: ago(days, 10) });
  return { conversation: conversation!, messageIds: rows.map((r) => r.id), storageKey: stored.storageKey };
}

const contentOf = async (s: Seeded) => {
  const rows = await db().select().from(messages).where(inArray(messages.id, s.messageIds));
  const atts = await db().select().from(attachments).where(inArray(attachments.messageId, s.messageIds));
  const evs = await db().select().from(events).where(eq(events.conversationId, s.conversation.id));
  return {
    messages: rows.length,
    withContent: rows.filter((m) => m.body !== null || m.raw !== null).length,
    attachments: atts.length,
    events: evs.length,
    file: fs.existsSync(path.join(app.dataDir, 'media', s.storageKey)),
  };
};

const report = async () => {
  const period = new URLSearchParams({ from: ago(200).toISOString(), to: new Date(Date.now() + 3600_000).toISOString(), bucket: 'day' });
  const r = (await (await app.fetch(`/api/v1/reports?${period}`, { token: admin.token })).json()) as Record<string, unknown>;
  return { totals: r.totals, volume: r.volume, queues: r.queues, agents: r.agents, failedSends: r.failedSends };
};

let a: { oldClosed: Seeded; recentClosed: Seeded; oldOpen: Seeded };
let b: { oldClosed: Seeded };
let channelA: string;
let channelB: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createAgent(app, { role: 'admin' });
  const agent = await createAgent(app, { name: 'Alice Agent' });
  const [queue] = await db().insert(queues).values({ name: 'Support' }).returning();
  const [chA, chB] = await db()
    .insert(channels)
    .values([
      { name: 'Kept 30 days', provider: 'simulator', phoneNumber: '+14155550001', queueId: queue!.id },
      { name: 'Kept forever', provider: 'simulator', phoneNumber: '+14155550002', queueId: queue!.id },
    ])
    .returning();
  channelA = chA!.id;
  channelB = chB!.id;
  a = {
    oldClosed: await seedConversation(channelA, queue!.id, agent.id, 60, 'closed', 'alpha'),
    recentClosed: await seedConversation(channelA, queue!.id, agent.id, 5, 'closed', 'bravo'),
    oldOpen: await seedConversation(channelA, queue!.id, agent.id, 45, 'active', 'charlie'),
  };
  b = { oldClosed: await seedConversation(channelB, queue!.id, agent.id, 90, 'closed', 'delta') };
});
afterAll(() => app?.close());

describe('per-channel retention', () => {
  it('is set in the channel (API), null by default', async () => {
    const get = await (await app.fetch(`/api/v1/channels/${channelA}`, { token: admin.token })).json();
    expect(get.retentionDays).toBeNull();
    const bad = await app.fetch(`/api/v1/channels/${channelA}`, { method: 'PATCH', token: admin.token, json: { retentionDays: 0 } });
    expect(bad.status).toBe(400);
    const res = await app.fetch(`/api/v1/channels/${channelA}`, { method: 'PATCH', token: admin.token, json: { retentionDays: 30 } });
    expect(res.status).toBe(200);
    expect((await res.json()).retentionDays).toBe(30);
  });

  it('is a daily job on pg-boss’s schedule', async () => {
    const rows = rowsOf<{ name: string; cron: string }>(await db().execute(sql`select name, cron from pgboss.schedule where name = ${RETENTION_JOB}`));
    expect(rows).toEqual([{ name: RETENTION_JOB, cron: '17 3 * * *' }]);
  });

  it('the job removes old content of closed conversations of that channel only, and keeps reports', async () => {
    const before = await report();
    expect(await contentOf(a.oldClosed)).toEqual({ messages: 3, withContent: 3, attachments: 1, events: 1, file: true });

    await enqueueJob(RETENTION_JOB, {});
    const run = await eventually(async () => {
      const list = (await (await app.fetch('/api/v1/erasures?kind=retention', { token: admin.token })).json()) as { items: { channelId: string; counts: Record<string, number>; filesRemoved: number; cutoff: string; finishedAt: string | null }[] };
      return list.items.find((r) => r.channelId === channelA && r.finishedAt);
    });
    console.log('retention run', JSON.stringify(run));
    expect(run).toMatchObject({ kind: 'retention', counts: { messages: 3, attachments: 1, events: 1 }, filesRemoved: 1 });
    expect(Date.parse(run.cutoff)).toBeLessThan(Date.now() - 29 * DAY);

    // Old and closed in channel A: content, photo, file and outbox rows gone; the skeletons stay.
    expect(await contentOf(a.oldClosed)).toEqual({ messages: 3, withContent: 0, attachments: 0, events: 0, file: false });
    // Recent, or still open, or another channel's: untouched.
    expect(await contentOf(a.recentClosed)).toEqual({ messages: 3, withContent: 3, attachments: 1, events: 1, file: true });
    expect(await contentOf(a.oldOpen)).toEqual({ messages: 3, withContent: 3, attachments: 1, events: 1, file: true });
    expect(await contentOf(b.oldClosed)).toEqual({ messages: 3, withContent: 3, attachments: 1, events: 1, file: true });
    // History no longer finds the old words; reports' numbers are the same.
    const search = await (await app.fetch('/api/v1/history?q=alpha', { token: admin.token })).json();
    expect(search.items).toEqual([]);
    expect(await report()).toEqual(before);
    // The audit log has the run's counts.
    const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'channel.retention_applied'));
    expect(audit).toEqual([expect.objectContaining({ entity: 'channel', entityId: channelA, actorId: null })]);
    expect(JSON.stringify(audit)).not.toContain('alpha');
  });

  it('the daily job deletes the files a stopped erasure left on disk', async () => {
    // As if the process died right after an erasure's commit: rows gone, the file still there, queued on the receipt.
    const stored = await storeMedia(Buffer.from('left behind by a crash'));
    const [row] = await db().insert(erasures).values({ kind: 'contact', counts: { messages: 1 }, pendingStorageKeys: [stored.storageKey] }).returning();
    expect((await (await app.fetch(`/api/v1/erasures/${row!.id}`, { token: admin.token })).json()).filesPending).toBe(1);
    await applyRetention(db());
    expect(fs.existsSync(path.join(app.dataDir, 'media', stored.storageKey))).toBe(false);
    expect(await (await app.fetch(`/api/v1/erasures/${row!.id}`, { token: admin.token })).json()).toMatchObject({ filesPending: 0, filesRemoved: 1 });
  });

  it('works in batches and a second run finds nothing more', async () => {
    await db().update(conversations).set({ status: 'closed', closedAt: ago(40) }).where(eq(conversations.id, a.oldOpen.conversation.id));
    const receipt = await applyChannelRetention(db(), { channelId: channelA, retentionDays: 30, batchSize: 2 });
    expect(receipt.counts).toMatchObject({ messages: 3, attachments: 1, events: 1 });
    expect(await contentOf(a.oldOpen)).toMatchObject({ withContent: 0, file: false });
    const again = await applyChannelRetention(db(), { channelId: channelA, retentionDays: 30, batchSize: 2 });
    expect(again.counts).toEqual({ messages: 0, attachments: 0, events: 0, statusCallbacks: 0, simulatorMessages: 0 });
    expect(await contentOf(a.recentClosed)).toMatchObject({ withContent: 3, file: true });
  });
});
