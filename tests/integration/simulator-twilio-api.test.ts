import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { templates } from '@/db/schema';
import { createTwilioClient } from '@/lib/channels/twilio/client';
import { simulatorBases } from '@/lib/channels/simulator';
import { resetConfig } from '@/lib/config';
import { startTestApp, type TestApp } from '../helpers/app';
import { createSimulatorChannel, startRecorder, type SimulatorChannel } from '../helpers/simulator';

let app: TestApp;
let channel: SimulatorChannel;
let recorder: Awaited<ReturnType<typeof startRecorder>>;
let token: string;
const customer = '+15557654321';

beforeAll(async () => {
  app = await startTestApp({ realtime: false, env: { SIMULATOR_ENABLED: 'true' } });
  channel = await createSimulatorChannel(app, { phoneNumber: '+15550109999' });
  recorder = await startRecorder();
  const admin = await app.createUser({ role: 'admin' });
  token = await app.tokenFor(admin.email, admin.password);
});
afterAll(async () => {
  await recorder?.close();
  await app?.close();
});

const client = () => createTwilioClient(channel, { bases: simulatorBases() });
const callbackUrl = () => `${recorder.url}/status?channel=${channel.id}`;

function signatureOk(r: { url: string; headers: Record<string, unknown>; params: Record<string, string> }) {
  return twilio.validateRequest(channel.authToken, String(r.headers['x-twilio-signature']), r.url, r.params);
}

async function phone(customers = customer) {
  const res = await app.fetch(`/api/simulator/channels/${channel.id}/messages?customers=${encodeURIComponent(customers)}`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { sid: string; body: string; status: string; errorCode: string | null; errorReason: string | null; media: { url: string | null; contentType: string }[] }[] }).items;
}

describe('fake Twilio Messages API, driven by the twilio SDK', () => {
  it('accepts a text message like Twilio: 201 queued with an SM sid, then a signed "sent" callback', async () => {
    const msg = await client().messages.create({
      from: `whatsapp:${channel.phoneNumber}`,
      to: `whatsapp:${customer}`,
      body: 'Hola 👋 *bold*',
      statusCallback: callbackUrl(),
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    expect(msg.accountSid).toBe(channel.accountSid);
    expect(msg.direction).toBe('outbound-api');
    expect(msg.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(msg.dateCreated.getTime())).toBe(false);
    expect(msg.to).toBe(`whatsapp:${customer}`);

    const sent = await recorder.waitFor((r) => r.params.MessageSid === msg.sid && r.params.MessageStatus === 'sent');
    expect(signatureOk(sent)).toBe(true);
    expect(sent.params).toMatchObject({ AccountSid: channel.accountSid, From: `whatsapp:${channel.phoneNumber}`, To: `whatsapp:${customer}`, ChannelPrefix: 'whatsapp' });
    // A tampered copy does not verify: the signature covers every parameter.
    expect(signatureOk({ ...sent, params: { ...sent.params, MessageStatus: 'read' } })).toBe(false);

    const shown = (await phone()).find((m) => m.sid === msg.sid);
    expect(shown).toMatchObject({ body: 'Hola 👋 *bold*', status: 'sent' });

    const fetched = await client().messages(msg.sid).fetch();
    expect(fetched.status).toBe('sent');
  });

  it('refuses what Twilio refuses, with Twilio error codes the SDK raises', async () => {
    const base = { from: `whatsapp:${channel.phoneNumber}`, to: `whatsapp:${customer}` };
    const code = async (p: Promise<unknown>) => p.then(() => null, (e: { code?: number; status?: number }) => [e.status, e.code]);
    expect(await code(createTwilioClient(channel, { bases: simulatorBases(), authToken: 'wrong' }).messages.create({ ...base, body: 'x' }))).toEqual([401, 20003]);
    expect(await code(client().messages.create({ ...base, from: 'whatsapp:+15550000000', body: 'x' }))).toEqual([400, 63007]);
    expect(await code(client().messages.create({ ...base, to: customer, body: 'x' }))).toEqual([400, 21211]);
    expect(await code(client().messages.create({ ...base }))).toEqual([400, 21619]);
    expect(await code(client().messages.create({ ...base, contentSid: 'HX' + '0'.repeat(32) }))).toEqual([400, 21655]);
  });

  it('renders a template by its ContentSid with the ContentVariables filled in', async () => {
    const contentSid = 'HX' + 'a1'.repeat(16);
    await app.runtime.db.db.insert(templates).values({
      contentSid,
      name: 'order_update',
      body: 'Hi {{1}}, your order {{2}} has shipped.',
      status: 'approved',
    });
    const msg = await client().messages.create({
      from: `whatsapp:${channel.phoneNumber}`,
      to: `whatsapp:${customer}`,
      contentSid,
      contentVariables: JSON.stringify({ 1: 'Ana', 2: '#1042' }),
      statusCallback: callbackUrl(),
    });
    expect(msg.body).toBe('Hi Ana, your order #1042 has shipped.');
    expect((await phone()).find((m) => m.sid === msg.sid)?.body).toBe('Hi Ana, your order #1042 has shipped.');
  });

  it('offers sample approved templates through the Content API; a sent one shows its quick-reply buttons', async () => {
    const contents = await client().content.v1.contentAndApprovals.list({ pageSize: 100 });
    expect(contents.length).toBeGreaterThanOrEqual(4);
    expect(contents.every((c) => /^HX[0-9a-f]{32}$/.test(c.sid))).toBe(true);
    const reminder = contents.find((c) => c.friendlyName === 'appointment_reminder')!;
    expect(reminder.approvalRequests).toMatchObject({ status: 'approved' });
    // Stable sids: a second import finds the same templates.
    expect((await client().content.v1.contentAndApprovals.list({ pageSize: 100 })).map((c) => c.sid)).toEqual(contents.map((c) => c.sid));

    const body = (reminder.types as Record<string, { body: string }>)['twilio/text']!.body;
    await app.runtime.db.db.insert(templates).values({ contentSid: reminder.sid, name: 'appointment_reminder', body, status: 'approved' });
    const msg = await client().messages.create({
      from: `whatsapp:${channel.phoneNumber}`,
      to: `whatsapp:${customer}`,
      contentSid: reminder.sid,
      contentVariables: JSON.stringify({ 1: 'Ana', 2: 'Monday' }),
    });
    const res = await app.fetch(`/api/simulator/channels/${channel.id}/messages?customers=${encodeURIComponent(customer)}`, { token });
    const shown = ((await res.json()) as { items: { sid: string; body: string; template: { actions: { title: string; id: string }[] } | null }[] }).items.find(
      (m) => m.sid === msg.sid,
    );
    expect(shown?.body).toBe('Hello Ana, a reminder of your appointment on Monday. Can you make it?');
    expect(shown?.template?.actions.map((a) => a.id)).toEqual(['CONFIRM', 'RESCHEDULE']);
  });

  it('fails exactly the next send with the chosen error code when the switch is on', async () => {
    const put = await app.fetch(`/api/simulator/channels/${channel.id}/failure`, { method: 'PUT', token, json: { errorCode: '63024' } });
    expect(put.status).toBe(200);
    const send = (body: string) =>
      client().messages.create({ from: `whatsapp:${channel.phoneNumber}`, to: `whatsapp:${customer}`, body, statusCallback: callbackUrl() });
    const first = await send('will fail');
    const second = await send('will go');
    const failed = await recorder.waitFor((r) => r.params.MessageSid === first.sid);
    expect(failed.params).toMatchObject({ MessageStatus: 'failed', ErrorCode: '63024' });
    expect(signatureOk(failed)).toBe(true);
    const ok = await recorder.waitFor((r) => r.params.MessageSid === second.sid);
    expect(ok.params.MessageStatus).toBe('sent');
    expect(ok.params.ErrorCode).toBeUndefined();
    const shown = (await phone()).find((m) => m.sid === first.sid);
    expect(shown).toMatchObject({ status: 'failed', errorCode: '63024' });
    expect(shown?.errorReason).toMatch(/not on WhatsApp/);

    const list = (await (await app.fetch('/api/simulator/channels', { token })).json()) as { items: { id: string; failNextErrorCode: string | null }[] };
    expect(list.items.find((c) => c.id === channel.id)?.failNextErrorCode).toBeNull();
  });

  it('sends "delivered" then "read" when the simulated customer views a message, and never goes back', async () => {
    const msg = await client().messages.create({
      from: `whatsapp:${channel.phoneNumber}`,
      to: `whatsapp:${customer}`,
      body: 'Please read me',
      statusCallback: callbackUrl(),
    });
    await recorder.waitFor((r) => r.params.MessageSid === msg.sid && r.params.MessageStatus === 'sent');
    const read = await app.fetch(`/api/simulator/channels/${channel.id}/receipts`, { method: 'POST', token, json: { sids: [msg.sid], status: 'read' } });
    expect(read.status).toBe(200);
    await recorder.waitFor((r) => r.params.MessageSid === msg.sid && r.params.MessageStatus === 'read');
    const statuses = recorder.received.filter((r) => r.params.MessageSid === msg.sid).map((r) => r.params.MessageStatus);
    expect(statuses).toEqual(['sent', 'delivered', 'read']);
    expect(recorder.received.filter((r) => r.params.MessageSid === msg.sid).every(signatureOk)).toBe(true);
    // Viewing it again, or a late "delivered", sends nothing more.
    await app.fetch(`/api/simulator/channels/${channel.id}/receipts`, { method: 'POST', token, json: { sids: [msg.sid], status: 'delivered' } });
    await app.fetch(`/api/simulator/channels/${channel.id}/receipts`, { method: 'POST', token, json: { sids: [msg.sid], status: 'read' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.received.filter((r) => r.params.MessageSid === msg.sid)).toHaveLength(3);
  });

  it('fetches the outbound MediaUrl like WhatsApp and shows the file on the phone', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const media: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    try {
      const msg = await client().messages.create({
        from: `whatsapp:${channel.phoneNumber}`,
        to: `whatsapp:${customer}`,
        mediaUrl: [`http://127.0.0.1:${(media.address() as AddressInfo).port}/signed/x.png`],
        statusCallback: callbackUrl(),
      });
      expect(msg.sid).toMatch(/^MM/);
      expect(msg.numMedia).toBe('1');
      await recorder.waitFor((r) => r.params.MessageSid === msg.sid && r.params.MessageStatus === 'sent');
      const shown = (await phone()).find((m) => m.sid === msg.sid);
      expect(shown?.media[0]?.contentType).toBe('image/png');
      const file = await app.fetch(shown!.media[0]!.url!, { token });
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    } finally {
      await new Promise<void>((r) => media.close(() => r()));
    }
  });

  it('answers the account fetch behind "check credentials", and refuses a wrong token', async () => {
    const account = await client().api.v2010.accounts(channel.accountSid!).fetch();
    expect(account.status).toBe('active');
    expect(account.sid).toBe(channel.accountSid);
    await expect(createTwilioClient(channel, { bases: simulatorBases(), authToken: 'nope' }).api.v2010.accounts(channel.accountSid!).fetch()).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it('lists messages like Twilio: filtered by To and From, newest first, paged by PageSize', async () => {
    const to = '+15557650001';
    const other = '+15557650002';
    const from = `whatsapp:${channel.phoneNumber}`;
    const sent = [];
    for (const body of ['first', 'second', 'third']) sent.push(await client().messages.create({ from, to: `whatsapp:${to}`, body }));
    await client().messages.create({ from, to: `whatsapp:${other}`, body: 'to someone else' });

    const listed = await client().messages.list({ to: `whatsapp:${to}`, from, pageSize: 50, limit: 50 });
    expect(listed.map((m) => m.sid)).toEqual(sent.map((m) => m.sid).reverse());
    expect(listed[0]).toMatchObject({ body: 'third', to: `whatsapp:${to}`, from, direction: 'outbound-api', accountSid: channel.accountSid });
    expect(listed[0]!.dateCreated).toBeInstanceOf(Date);
    // A page of 2, then the SDK follows next_page_uri.
    const page = await client().messages.page({ to: `whatsapp:${to}`, from, pageSize: 2 });
    expect(page.instances.map((m) => m.body)).toEqual(['third', 'second']);
    expect((await page.nextPage())!.instances.map((m) => m.body)).toEqual(['first']);
    // From the customer's side: nothing was sent by them.
    expect(await client().messages.list({ from: `whatsapp:${to}`, to: from, limit: 10 })).toEqual([]);
  });

  it('does not exist when the simulator is off', async () => {
    process.env.SIMULATOR_ENABLED = 'false';
    resetConfig();
    try {
      await expect(client().messages.create({ from: `whatsapp:${channel.phoneNumber}`, to: `whatsapp:${customer}`, body: 'x' })).rejects.toMatchObject({ status: 404 });
      expect((await app.fetch('/api/simulator/channels', { token })).status).toBe(404);
      expect((await app.fetch(`/api/simulator/channels/${channel.id}/credentials`, { token })).status).toBe(404);
    } finally {
      process.env.SIMULATOR_ENABLED = 'true';
      resetConfig();
    }
  });
});
