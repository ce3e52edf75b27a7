import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { attachments, messages } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { createSimulatorChannel, eventually, type SimulatorChannel } from '../helpers/simulator';

let app: TestApp;
let channel: SimulatorChannel;
let token: string;
const customer = '+15551230001';

beforeAll(async () => {
  app = await startTestApp({ realtime: false, env: { SIMULATOR_ENABLED: 'true' } });
  channel = await createSimulatorChannel(app, { phoneNumber: '+15550108888' });
  const supervisor = await app.createUser({ role: 'supervisor' });
  token = await app.tokenFor(supervisor.email, supervisor.password);
});
afterAll(() => app?.close());

type PhoneMessage = { sid: string; status: string; webhookStatus: number | null; media: { url: string | null }[] };

async function customerSends(body: Record<string, unknown>): Promise<PhoneMessage> {
  const res = await app.fetch(`/api/simulator/channels/${channel.id}/messages`, { method: 'POST', token, json: { from: customer, profileName: 'Carla Cliente', ...body } });
  expect(res.status).toBe(201);
  return (await res.json()) as PhoneMessage;
}

async function parleyMessage(sid: string) {
  return eventually(async () => {
    const [row] = await app.runtime.db.db
      .select()
      .from(messages)
      .where(and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, sid)));
    return row;
  });
}

describe('the simulated customer writes through Parley’s real Twilio webhook', () => {
  it('a text with emoji reaches Parley as an inbound message (signed webhook accepted)', async () => {
    const sent = await customerSends({ text: 'Hola, necesito ayuda 🙏' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('accepted');
    expect(sent.webhookStatus).toBe(200);
    const stored = await parleyMessage(sent.sid);
    expect(stored).toMatchObject({ direction: 'inbound', body: 'Hola, necesito ayuda 🙏' });
    expect(stored.raw).toMatchObject({ ProfileName: 'Carla Cliente', WaId: '15551230001', From: `whatsapp:${customer}` });
  });

  it('a location, a button tap and a reply to an earlier message keep their fields', async () => {
    const loc = await customerSends({ location: { latitude: 40.4168, longitude: -3.7038, address: 'Puerta del Sol', label: 'Madrid' } });
    expect((await parleyMessage(loc.sid)).location).toMatchObject({ latitude: 40.4168, longitude: -3.7038, label: 'Madrid' });

    const tap = await customerSends({ button: { text: 'Yes, please', payload: 'CONFIRM' } });
    expect((await parleyMessage(tap.sid)).raw).toMatchObject({ ButtonText: 'Yes, please', ButtonPayload: 'CONFIRM' });

    const reply = await customerSends({ text: 'About this one', replyToSid: loc.sid });
    expect((await parleyMessage(reply.sid)).replyToProviderId).toBe(loc.sid);
  });

  it('a picked file is served to Parley behind Basic auth, like Twilio media, and downloaded', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const form = new FormData();
    form.set('from', customer);
    form.set('text', 'my invoice');
    form.set('file', new Blob([pdf], { type: 'application/pdf' }), 'invoice.pdf');
    const res = await app.fetch(`/api/simulator/channels/${channel.id}/messages`, { method: 'POST', token, body: form });
    expect(res.status).toBe(201);
    const sent = (await res.json()) as PhoneMessage;
    expect(sent.sid).toMatch(/^MM/);

    const stored = await parleyMessage(sent.sid);
    const mediaUrl = (stored.raw as Record<string, string>).MediaUrl0!;
    expect(mediaUrl).toContain(`/api/simulator/twilio/2010-04-01/Accounts/${channel.accountSid}/Messages/${sent.sid}/Media/ME`);
    expect((await fetch(mediaUrl)).status).toBe(401);
    const wrong = await fetch(mediaUrl, { headers: { authorization: `Basic ${Buffer.from(`${channel.accountSid}:nope`).toString('base64')}` } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(mediaUrl, { headers: { authorization: `Basic ${Buffer.from(`${channel.accountSid}:${channel.authToken}`).toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await ok.arrayBuffer()).equals(pdf)).toBe(true);

    // Parley's media job fetches it with the channel's credentials and keeps it.
    const attachment = await eventually(async () => {
      const [a] = await app.runtime.db.db.select().from(attachments).where(eq(attachments.messageId, stored.id));
      return a?.status === 'ready' || a?.status === 'failed' ? a : undefined;
    }, 15_000);
    expect(attachment).toMatchObject({ status: 'ready', size: pdf.length });
  });

  it('refuses a bad number and an empty message, and stays inside the simulator’s own channels', async () => {
    const bad = await app.fetch(`/api/simulator/channels/${channel.id}/messages`, { method: 'POST', token, json: { from: 'not a phone', text: 'hi' } });
    expect(bad.status).toBe(400);
    const empty = await app.fetch(`/api/simulator/channels/${channel.id}/messages`, { method: 'POST', token, json: { from: customer } });
    expect(empty.status).toBe(400);
    const unknown = await app.fetch(`/api/simulator/channels/00000000-0000-0000-0000-000000000000/messages`, { method: 'POST', token, json: { from: customer, text: 'hi' } });
    expect(unknown.status).toBe(404);
  });

  it('lists the simulated customers of the channel with their profile names', async () => {
    const res = await app.fetch(`/api/simulator/channels/${channel.id}/customers`, { token });
    const body = (await res.json()) as { items: { phone: string; profileName: string | null }[] };
    expect(body.items).toContainEqual(expect.objectContaining({ phone: customer, profileName: 'Carla Cliente' }));
  });

  it('is for supervisors and admins; agents and anonymous visitors only in embedded demo mode', async () => {
    const agent = await app.createUser({ role: 'agent' });
    const agentToken = await app.tokenFor(agent.email, agent.password);
    const res = await app.fetch('/api/simulator/channels', { token: agentToken });
    const anonymous = await app.fetch('/api/simulator/channels');
    if (app.runtime.config.embedded) {
      expect(res.status).toBe(200);
      expect(anonymous.status).toBe(200);
    } else {
      expect(res.status).toBe(403);
      expect(anonymous.status).toBe(401);
    }
  });
});
