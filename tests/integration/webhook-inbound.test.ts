import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, inArray } from 'drizzle-orm';
import { contacts, conversations, events, messages } from '@/db/schema';
import { onEvent } from '@/lib/events/bus';
import type { PublishedEvent } from '@/lib/events/types';
import type { ConversationDto, MessageDto } from '@/lib/conversations/dto';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTwilioChannel, inboundParams, postInbound, sid, type TestChannel } from '../helpers/twilio';

let app: TestApp;
let ch: TestChannel;
let token: string;
const seen: PublishedEvent[] = [];

beforeAll(async () => {
  app = await startTestApp();
  ch = await createTwilioChannel(app, { language: 'es', defaultCountry: 'ES' });
  const sup = await app.createUser({ role: 'supervisor' });
  token = await app.tokenFor(sup.email, sup.password);
  // Only what ingest emits (routing reacts with queue.updated etc. of its own).
  onEvent('*', (e) => void (/^(conversation|message)\.created$/.test(e.type) && seen.push(e)));
});
afterAll(() => app?.close());

let phoneSeq = 200;
const newPhone = () => `+1415555${String(phoneSeq++).padStart(4, '0')}`;

async function conversationOf(messageSid: string): Promise<string> {
  const [m] = await app.runtime.db.db.select().from(messages).where(eq(messages.providerMessageId, messageSid));
  expect(m, `message ${messageSid} stored`).toBeDefined();
  return m!.conversationId;
}

async function api<T>(path: string): Promise<T> {
  const res = await app.fetch(path, { token });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Posts an inbound message and reads it back through the REST API. */
async function receive(params: Record<string, string>, channel = ch): Promise<{ conversation: ConversationDto; message: MessageDto }> {
  const res = await postInbound(app, channel, params);
  expect(res.status).toBe(200);
  const id = await conversationOf(params.MessageSid!);
  const conversation = await api<ConversationDto>(`/api/v1/conversations/${id}`);
  const page = await api<{ items: MessageDto[] }>(`/api/v1/conversations/${id}/messages`);
  const message = page.items.find((m) => m.providerMessageId === params.MessageSid)!;
  expect(message).toBeDefined();
  return { conversation, message };
}

describe('inbound WhatsApp payloads, read back through the API', () => {
  it('files a text with emoji and WhatsApp formatting into a new waiting conversation in the channel queue', async () => {
    const from = newPhone();
    const body = '*Hola* _equipo_ ~viejo~ ```code``` 👋🏽🇪🇸 ¿qué tal?\nsegunda línea';
    seen.length = 0;
    const { conversation, message } = await receive(inboundParams(ch.channel, { Body: body, ProfileName: 'Ana Núñez' }, from));
    expect(message).toMatchObject({ direction: 'inbound', kind: 'text', body, status: 'received', attachments: [] });
    expect(conversation).toMatchObject({
      channelId: ch.channel.id,
      queueId: ch.queue.id,
      status: 'waiting',
      assigneeId: null,
      language: 'es',
      contact: { name: 'Ana Núñez', phone: from, waId: from.slice(1) },
    });
    const window = Date.parse(conversation.windowExpiresAt!) - Date.parse(conversation.lastInboundAt!);
    expect(window).toBe(24 * 60 * 60 * 1000);
    expect(Date.now() - Date.parse(conversation.lastInboundAt!)).toBeLessThan(60_000);
    expect(seen.map((e) => e.type)).toEqual(['conversation.created', 'message.created']);
    expect(seen[0]!.audience).toMatchObject({ queueId: ch.queue.id, conversationId: conversation.id, toQueue: true });
    expect(seen[1]!.audience).toMatchObject({ queueId: ch.queue.id, conversationId: conversation.id, toQueue: true });
  });

  it('keeps each media item as a pending attachment with its caption', async () => {
    const { message } = await receive(
      inboundParams(ch.channel, {
        Body: 'Mira la factura',
        NumMedia: '2',
        MessageType: 'image',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
        MediaContentType1: 'application/pdf',
      }, newPhone()),
    );
    expect(message.kind).toBe('media');
    expect(message.body).toBe('Mira la factura');
    expect(message.attachments).toHaveLength(2);
    expect(message.attachments.map((a) => a.contentType)).toEqual(['image/jpeg', 'application/pdf']);
    expect(message.attachments.every((a) => a.url === null)).toBe(true);
  });

  it('reads a shared location with its address and label', async () => {
    const { message } = await receive(
      inboundParams(ch.channel, {
        Body: '',
        MessageType: 'location',
        Latitude: '40.4167754',
        Longitude: '-3.7037902',
        Address: 'Puerta del Sol, Madrid',
        Label: 'Oficina',
      }, newPhone()),
    );
    expect(message.kind).toBe('location');
    expect(message.location).toEqual({ latitude: 40.4167754, longitude: -3.7037902, address: 'Puerta del Sol, Madrid', label: 'Oficina' });
  });

  it('reads a template quick-reply tap as a button with its payload', async () => {
    const { message } = await receive(
      inboundParams(ch.channel, { Body: 'Sí, confirmar', ButtonText: 'Sí, confirmar', ButtonPayload: 'CONFIRM_42', MessageType: 'button' }, newPhone()),
    );
    expect(message.kind).toBe('button');
    expect(message.button).toEqual({ text: 'Sí, confirmar', payload: 'CONFIRM_42' });
  });

  it('reads a shared contact card (vcard) as contacts', async () => {
    const { message } = await receive(
      inboundParams(ch.channel, {
        NumMedia: '1',
        Body: '',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM2/Media/ME3',
        MediaContentType0: 'text/vcard',
      }, newPhone()),
    );
    expect(message.kind).toBe('contacts');
    expect(message.attachments).toHaveLength(1);
  });

  it('links a reply to the message it quotes when we know it, and keeps the sid when we do not', async () => {
    const from = newPhone();
    const first = await receive(inboundParams(ch.channel, { Body: 'primero' }, from));
    const reply = await receive(inboundParams(ch.channel, { Body: 'respuesta', OriginalRepliedMessageSid: first.message.providerMessageId! }, from));
    expect(reply.message.replyTo).toEqual({ id: first.message.id, providerMessageId: first.message.providerMessageId });
    const unknownSid = sid();
    const orphan = await receive(inboundParams(ch.channel, { Body: '¿y esto?', OriginalRepliedMessageSid: unknownSid }, from));
    expect(orphan.message.replyTo).toEqual({ id: null, providerMessageId: unknownSid });
  });

  it('shows forwarded flags and click-to-WhatsApp ad referrals, and keeps unknown fields raw', async () => {
    const params = inboundParams(ch.channel, {
      Body: 'Vi su anuncio',
      FrequentlyForwarded: 'true',
      Forwarded: 'true',
      ReferralSourceUrl: 'https://fb.me/abc',
      ReferralSourceId: '1234',
      ReferralSourceType: 'ad',
      ReferralHeadline: 'Rebajas',
      ReferralCtwaClid: 'ctwa-xyz',
      SomethingTwilioAddsLater: 'kept',
    }, newPhone());
    const { message } = await receive(params);
    expect(message.forwarded).toBe('frequently');
    expect(message.referral).toEqual({ sourceUrl: 'https://fb.me/abc', sourceId: '1234', sourceType: 'ad', headline: 'Rebajas', ctwaClid: 'ctwa-xyz' });
    const [row] = await app.runtime.db.db.select().from(messages).where(eq(messages.id, message.id));
    expect(row!.raw).toEqual(params);
  });
});

describe('contacts and conversations', () => {
  it("gives a number without a prefix the channel's default country, and refreshes the display name", async () => {
    const first = await receive(inboundParams(ch.channel, { WaId: '', ProfileName: 'Luis' }, '612345678'));
    expect(first.conversation.contact).toMatchObject({ phone: '+34612345678', name: 'Luis' });
    const second = await receive(inboundParams(ch.channel, { WaId: '', ProfileName: 'Luis García' }, '+34612345678'));
    expect(second.conversation.id).toBe(first.conversation.id);
    expect(second.conversation.contact).toMatchObject({ id: first.conversation.contact.id, name: 'Luis García' });
  });

  it("opens a conversation in the contact's own language, and a new one after the last was closed", async () => {
    const from = newPhone();
    const first = await receive(inboundParams(ch.channel, {}, from));
    const db = app.runtime.db.db;
    await db.update(contacts).set({ language: 'pt' }).where(eq(contacts.id, first.conversation.contact.id));
    await db.update(conversations).set({ status: 'closed', closedAt: new Date() }).where(eq(conversations.id, first.conversation.id));
    seen.length = 0;
    const second = await receive(inboundParams(ch.channel, {}, from));
    expect(second.conversation.id).not.toBe(first.conversation.id);
    expect(second.conversation.language).toBe('pt');
    expect(seen.map((e) => e.type)).toEqual(['conversation.created', 'message.created']);
  });

  it('answers a retried webhook with the same 200 and stores and emits nothing new', async () => {
    const params = inboundParams(ch.channel, { Body: 'una vez' }, newPhone());
    expect((await postInbound(app, ch, params)).status).toBe(200);
    const db = app.runtime.db.db;
    const mine = inArray(events.type, ['conversation.created', 'message.created', 'message.updated']);
    const [before] = await db.select({ n: count() }).from(events).where(mine);
    const conversationId = await conversationOf(params.MessageSid!);
    const [conv] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
    seen.length = 0;
    for (let i = 0; i < 3; i++) {
      const res = await postInbound(app, ch, params);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<Response\/>/);
    }
    const [after] = await db.select({ n: count() }).from(events).where(mine);
    expect(after!.n).toBe(before!.n);
    expect(seen).toEqual([]);
    const page = await api<{ items: MessageDto[] }>(`/api/v1/conversations/${conversationId}/messages`);
    expect(page.items).toHaveLength(1);
    const [conv2] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv2!.lastInboundAt).toEqual(conv!.lastInboundAt);
  });
});

describe('reading messages', () => {
  it('pages newest first with ?before=, items in chronological order', async () => {
    const from = newPhone();
    const sids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const p = inboundParams(ch.channel, { Body: `m${i}` }, from);
      sids.push(p.MessageSid!);
      expect((await postInbound(app, ch, p)).status).toBe(200);
    }
    const id = await conversationOf(sids[0]!);
    const p1 = await api<{ items: MessageDto[]; nextCursor: string | null }>(`/api/v1/conversations/${id}/messages?limit=2`);
    expect(p1.items.map((m) => m.body)).toEqual(['m4', 'm5']);
    const p2 = await api<{ items: MessageDto[]; nextCursor: string | null }>(`/api/v1/conversations/${id}/messages?limit=2&before=${p1.nextCursor}`);
    expect(p2.items.map((m) => m.body)).toEqual(['m2', 'm3']);
    const p3 = await api<{ items: MessageDto[]; nextCursor: string | null }>(`/api/v1/conversations/${id}/messages?limit=2&before=${p2.nextCursor}`);
    expect(p3.items.map((m) => m.body)).toEqual(['m1']);
    expect(p3.nextCursor).toBeNull();
  });

  it("hides a conversation from an agent outside its queue (404), and 404s an unknown id", async () => {
    const p = inboundParams(ch.channel, {}, newPhone());
    await postInbound(app, ch, p);
    const id = await conversationOf(p.MessageSid!);
    const agent = await app.createUser({ role: 'agent' });
    const agentToken = await app.tokenFor(agent.email, agent.password);
    expect((await app.fetch(`/api/v1/conversations/${id}`, { token: agentToken })).status).toBe(404);
    expect((await app.fetch(`/api/v1/conversations/${id}/messages`, { token: agentToken })).status).toBe(404);
    expect((await app.fetch(`/api/v1/conversations/${id}`)).status).toBe(401);
    expect((await app.fetch('/api/v1/conversations/00000000-0000-4000-8000-000000000000', { token })).status).toBe(404);
  });
});
