import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { messages, queueMembers, simulatorMessages, type Channel, type User } from '@/db/schema';
import { createTwilioClient } from '@/lib/channels/twilio/client';
import { simulatorBases } from '@/lib/channels/simulator';
import { deliverMessage } from '@/lib/conversations/send-job';
import { setFailNextErrorCode } from '@/db/queries/simulator';
import type { MessageDto } from '@/lib/conversations/dto';
import { markSeenByCustomer } from '@/lib/simulator/status-callbacks';
import { startTestApp, type TestApp } from '../helpers/app';
import { connectSocket, type TestSocket } from '../helpers/routing';
import { fixtures } from './outbound-fixtures';

// The built-in simulator plays Twilio through the same SDK, signed status callbacks and media fetch:
// an agent's reply must travel the whole way with no Twilio account.
let app: TestApp;
let fx: ReturnType<typeof fixtures>;
let agent: User & { password: string };
let token: string;
let channel: Channel;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  app = await startTestApp({ env: { SIMULATOR_ENABLED: 'true' } });
  fx = fixtures(app);
  agent = await app.createUser({ role: 'agent' });
  token = await app.tokenFor(agent.email, agent.password);
  const queue = await fx.queue([agent.id]);
  channel = await fx.channel(queue.id, { provider: 'simulator' });
}, 300_000);
const sockets: TestSocket[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

async function send(json: Record<string, unknown>) {
  const { conversation } = await fx.conversation({ channelId: channel.id, queueId: channel.queueId, assigneeId: agent.id });
  const res = await app.fetch(`/api/v1/conversations/${conversation.id}/messages`, { method: 'POST', token, json: { clientId: randomUUID(), ...json } });
  expect(res.status).toBe(201);
  return (await res.json()) as MessageDto;
}

describe('sending through a simulator channel', () => {
  it('reaches the simulated phone and comes back as sent through the signed status callback', async () => {
    const created = await send({ text: 'Hola desde el simulador' });
    const sent = await fx.waitForMessage(created.id, (m) => m.status === 'sent');
    const [onPhone] = await app.runtime.db.db.select().from(simulatorMessages).where(eq(simulatorMessages.sid, sent.providerMessageId!));
    expect(onPhone).toMatchObject({ body: 'Hola desde el simulador', direction: 'to_customer' });
  });

  it('delivers media: the simulated WhatsApp fetches the signed URL and gets the image', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'pixel.png');
    const up = (await (await app.fetch('/api/v1/attachments', { method: 'POST', token, body: form })).json()) as { id: string };
    const created = await send({ attachmentId: up.id });
    const sent = await fx.waitForMessage(created.id, (m) => m.status !== 'pending' && m.status !== 'queued');
    expect(sent.status).toBe('sent');
    const [onPhone] = await app.runtime.db.db.select().from(simulatorMessages).where(eq(simulatorMessages.sid, sent.providerMessageId!));
    expect(onPhone!.media[0]).toMatchObject({ contentType: 'image/png', size: PNG.length });
  });

  it('shows the readable reason when WhatsApp fails the message afterwards (status callback 63024)', async () => {
    await setFailNextErrorCode(app.runtime.db.db, { channelId: channel.id, errorCode: '63024' });
    const created = await send({ text: 'to a number without WhatsApp' });
    const failed = await fx.waitForMessage(created.id, (m) => m.status === 'failed');
    expect(failed.errorCode).toBe('63024');
    expect(failed.errorReason).toBe('This number is not on WhatsApp (or cannot receive WhatsApp messages).');
  });
});

describe('a send whose worker died after Twilio took the message', () => {
  it('is found with List Messages and adopted: the customer gets it once', async () => {
    const { conversation, contact } = await fx.conversation({ channelId: channel.id, queueId: channel.queueId, assigneeId: agent.id });
    const text = 'Sent just before the crash';
    const startedAt = new Date(Date.now() - 20_000);
    const [row] = await app.runtime.db.db
      .insert(messages)
      .values({
        conversationId: conversation.id,
        channelId: channel.id,
        direction: 'outbound',
        kind: 'text',
        body: text,
        status: 'pending',
        authorId: agent.id,
        sendAttemptStartedAt: startedAt,
        sendAttempts: 1,
      })
      .returning();
    // The earlier attempt reached the (simulated) Twilio; its answer died with the process.
    const earlier = await createTwilioClient(channel, { bases: simulatorBases() }).messages.create({
      from: `whatsapp:${channel.phoneNumber}`,
      to: `whatsapp:${contact.phone}`,
      body: text,
    });
    await deliverMessage(app.runtime.db.db, { messageId: row!.id });
    const adopted = await fx.message(row!.id);
    expect(adopted.providerMessageId).toBe(earlier.sid);
    expect(adopted.status).not.toBe('pending');
    const onPhone = await app.runtime.db.db.select().from(simulatorMessages).where(eq(simulatorMessages.body, text));
    expect(onPhone).toHaveLength(1);
  });
});

describe('live ticks', () => {
  it('the assignee sees the reply appear and its ticks move forward (pending → sent → delivered → read); a colleague of the same queue sees none of it', async () => {
    const colleague = await app.createUser({ role: 'agent' });
    await app.runtime.db.db.insert(queueMembers).values({ queueId: channel.queueId, userId: colleague.id });
    const colleagueSocket = connectSocket(app.url, await app.tokenFor(colleague.email, colleague.password));
    const mine = connectSocket(app.url, token);
    sockets.push(colleagueSocket, mine);
    await Promise.all([mine.ready, colleagueSocket.ready]);

    const clientId = randomUUID();
    const { conversation } = await fx.conversation({ channelId: channel.id, queueId: channel.queueId, assigneeId: agent.id });
    const res = await app.fetch(`/api/v1/conversations/${conversation.id}/messages`, { method: 'POST', token, json: { clientId, text: 'Live ticks' } });
    const { id } = (await res.json()) as MessageDto;
    const ofIt = (type: string, status?: string) => (r: { type: string; payload: Record<string, unknown> }) =>
      r.type === type && (r.payload.message as MessageDto | undefined)?.id === id && (!status || (r.payload.message as MessageDto).status === status);

    const created = await mine.waitFor(ofIt('message.created'));
    expect((created.payload.message as MessageDto).clientId).toBe(clientId);
    await mine.waitFor(ofIt('message.updated', 'sent'), 15_000);
    const sent = await fx.waitForMessage(id, (m) => m.status === 'sent');
    await markSeenByCustomer({ channel, sids: [sent.providerMessageId!], status: 'read' });
    await mine.waitFor(ofIt('message.updated', 'read'), 15_000);

    const rank = ['pending', 'queued', 'sent', 'delivered', 'read'];
    const seen = mine.received.filter((r) => (r.payload.message as MessageDto | undefined)?.id === id).map((r) => (r.payload.message as MessageDto).status);
    expect(seen[0]).toBe('pending');
    expect(seen).toContain('delivered');
    for (let i = 1; i < seen.length; i++) expect(rank.indexOf(seen[i]!)).toBeGreaterThanOrEqual(rank.indexOf(seen[i - 1]!));
    expect(colleagueSocket.received.some((r) => (r.payload.message as MessageDto | undefined)?.id === id)).toBe(false);
  });
});
