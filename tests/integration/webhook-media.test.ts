import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { events, messages } from '@/db/schema';
import type { MessageDto } from '@/lib/conversations/dto';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTwilioChannel, eventually, inboundParams, postInbound, type TestChannel } from '../helpers/twilio';

// A stand-in for api.twilio.com (Basic auth, media that 404s for a moment, a redirect to the CDN)
// and a second origin standing in for Twilio's CDN.
type Hit = { path: string; authorization?: string };
const apiHits: Hit[] = [];
const cdnHits: Hit[] = [];
let api: Server;
let cdn: Server;
let apiBase = '';
let cdnBase = '';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(2048, 7)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(1024, 0x90)]);
const VCARD = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Núñez\r\nTEL;TYPE=CELL:+34612345678\r\nEND:VCARD\r\n');
const notFoundOnce = new Set<string>();

let app: TestApp;
let ch: TestChannel;
let token: string;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function record(list: Hit[], req: IncomingMessage) {
  list.push({ path: req.url ?? '', authorization: req.headers.authorization });
}

beforeAll(async () => {
  api = createServer((req, res) => {
    record(apiHits, req);
    const expected = `Basic ${Buffer.from(`${ch.accountSid}:${ch.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return void res.writeHead(401).end();
    const name = (req.url ?? '').split('/').pop()!;
    if (name.startsWith('late') && !notFoundOnce.has(name)) {
      notFoundOnce.add(name);
      return void res.writeHead(404).end();
    }
    if (name.startsWith('redirect')) return void res.writeHead(307, { location: `${cdnBase}/cdn/${name}` }).end();
    if (name.startsWith('huge')) {
      // 17 MB, streamed without a Content-Length (the cap must hold while streaming).
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(1024 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 17) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      return pump();
    }
    const body = name.startsWith('exe') ? EXE : name.startsWith('vcard') ? VCARD : name.startsWith('png') ? PNG : JPEG;
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
  });
  cdn = createServer((req, res) => {
    record(cdnHits, req);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
  });
  apiBase = await listen(api);
  cdnBase = await listen(cdn);
  app = await startTestApp({ env: { TWILIO_MEDIA_HOSTS: `${new URL(apiBase).host},${new URL(cdnBase).host}` } });
  ch = await createTwilioChannel(app);
  const sup = await app.createUser({ role: 'supervisor' });
  token = await app.tokenFor(sup.email, sup.password);
});
afterAll(async () => {
  await app?.close();
  api?.closeAllConnections();
  cdn?.closeAllConnections();
  await Promise.all([api, cdn].map((s) => new Promise((r) => (s ? s.close(r) : r(null)))));
});

let n = 0;
/** Sends an inbound media message and waits until its attachment is no longer pending. */
async function receiveMedia(url: string, contentType = 'image/jpeg'): Promise<{ message: MessageDto; id: string }> {
  const params = inboundParams(ch.channel, { NumMedia: '1', Body: `media ${++n}`, MediaUrl0: url, MediaContentType0: contentType }, `+1415555${String(7000 + n)}`);
  expect((await postInbound(app, ch, params)).status).toBe(200);
  const [row] = await app.runtime.db.db.select().from(messages).where(eq(messages.providerMessageId, params.MessageSid!));
  const message = await eventually(async () => {
    const res = await app.fetch(`/api/v1/conversations/${row!.conversationId}/messages`, { token });
    const m = ((await res.json()) as { items: MessageDto[] }).items.find((x) => x.id === row!.id);
    return m && m.attachments.every((a) => a.status !== 'pending') ? m : undefined;
  }, 20_000);
  return { message, id: row!.id };
}

async function updatedEventsFor(messageId: string): Promise<number> {
  const rows = await app.runtime.db.db.select().from(events).where(eq(events.type, 'message.updated'));
  return rows.filter((r) => (r.payload as { data: { message: { id: string } } }).data.message.id === messageId).length;
}

describe('media download job', () => {
  it('downloads with the channel credentials, stores by sha256 and marks the attachment ready', async () => {
    const { message, id } = await receiveMedia(`${apiBase}/2010-04-01/Accounts/AC1/Messages/MM1/Media/png-1`, 'image/png');
    const [a] = message.attachments;
    expect(a).toMatchObject({ status: 'ready', contentType: 'image/png', size: PNG.length, url: `/api/media/${a!.id}` });
    expect(message.body).toBe(`media ${n}`);
    const files = fs.readdirSync(path.join(app.dataDir, 'media'), { recursive: true }) as string[];
    const sha = (await import('node:crypto')).createHash('sha256').update(PNG).digest('hex');
    expect(files.some((f) => f.endsWith(sha))).toBe(true);
    expect(await updatedEventsFor(id)).toBe(1);
  });

  it('retries media that answers 404 for a moment after the webhook', async () => {
    const { message } = await receiveMedia(`${apiBase}/Media/late-1`);
    expect(message.attachments[0]).toMatchObject({ status: 'ready', contentType: 'image/jpeg' });
    expect(apiHits.filter((h) => h.path.endsWith('late-1')).length).toBe(2);
  });

  it('follows the redirect to the CDN without sending the credentials there', async () => {
    const { message } = await receiveMedia(`${apiBase}/Media/redirect-1`);
    expect(message.attachments[0]).toMatchObject({ status: 'ready', contentType: 'image/png' });
    const hit = cdnHits.find((h) => h.path.endsWith('redirect-1'));
    expect(hit).toBeDefined();
    expect(hit!.authorization).toBeUndefined();
  });

  it('fails a file over 16 MB with a reason, and keeps the message', async () => {
    const { message, id } = await receiveMedia(`${apiBase}/Media/huge-1`);
    expect(message.attachments[0]).toMatchObject({ status: 'failed', failureReason: 'file larger than 16 MB', url: null });
    expect(message.body).toBe(`media ${n}`);
    expect(await updatedEventsFor(id)).toBe(1);
  });

  it('fails an executable labelled image/jpeg by its real type', async () => {
    const { message } = await receiveMedia(`${apiBase}/Media/exe-1`, 'image/jpeg');
    expect(message.attachments[0]).toMatchObject({ status: 'failed', failureReason: 'type not allowed: application/x-msdownload' });
  });

  it('accepts a contact card (vcard)', async () => {
    const { message } = await receiveMedia(`${apiBase}/Media/vcard-1`, 'text/vcard');
    expect(message.kind).toBe('contacts');
    expect(message.attachments[0]).toMatchObject({ status: 'ready', contentType: 'text/vcard' });
  });

  it('refuses a host that is not a Twilio media host, without sending it anything', async () => {
    const stranger = createServer((req, res) => {
      record(strangerHits, req);
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    const strangerHits: Hit[] = [];
    const base = await listen(stranger);
    try {
      const { message } = await receiveMedia(`${base}/Media/steal-1`);
      expect(message.attachments[0]).toMatchObject({ status: 'failed', failureReason: `media host not allowed: ${new URL(base).host}` });
      expect(strangerHits).toEqual([]);
    } finally {
      stranger.closeAllConnections();
      stranger.close();
    }
  });
});
