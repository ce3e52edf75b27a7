import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { attachments, messages, type User } from '@/db/schema';
import { signedMediaUrl } from '@/lib/media/signed-url';
import { storeMedia } from '@/lib/media/storage';
import { startTestApp, type TestApp } from '../helpers/app';
import { fixtures } from './outbound-fixtures';

let app: TestApp;
let fx: ReturnType<typeof fixtures>;
let agent: User & { password: string };
let tokens: Record<'agent' | 'other' | 'supervisor', string>;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

beforeAll(async () => {
  // No Twilio here: nothing in this file sends (an unreachable base URL makes sure of it).
  app = await startTestApp({ env: { TWILIO_API_BASE_URL: 'http://127.0.0.1:9' } });
  fx = fixtures(app);
  agent = await app.createUser({ role: 'agent' });
  const other = await app.createUser({ role: 'agent' });
  const supervisor = await app.createUser({ role: 'supervisor' });
  tokens = {
    agent: await app.tokenFor(agent.email, agent.password),
    other: await app.tokenFor(other.email, other.password),
    supervisor: await app.tokenFor(supervisor.email, supervisor.password),
  };
}, 300_000);
afterAll(() => app?.close());

function upload(files: { bytes: Buffer; name: string; type?: string }[], token = tokens.agent) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? '' }), f.name);
  return app.fetch('/api/v1/attachments', { method: 'POST', token, body: form });
}

type Uploaded = { id: string; contentType: string; size: number; filename: string };
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('uploading outbound media', () => {
  it('stores one file with the type sniffed from its bytes, not its label', async () => {
    const res = await upload([{ bytes: PNG, name: 'looks-like.pdf', type: 'application/pdf' }]);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ contentType: 'image/png', size: PNG.length, filename: 'looks-like.pdf' });
  });

  it('refuses files over 16 MB, images over 5 MB, and types WhatsApp cannot carry, each with its reason', async () => {
    const big = await upload([{ bytes: Buffer.concat([PDF, Buffer.alloc(16 * 1024 * 1024 + 10)]), name: 'big.pdf' }]);
    expect(big.status).toBe(413);
    expect((await errorOf(big)).message).toMatch(/16 MB/);

    const bigImage = await upload([{ bytes: Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 10)]), name: 'photo.png', type: 'image/png' }]);
    expect(bigImage.status).toBe(413);
    expect((await errorOf(bigImage)).message).toMatch(/images up to 5 MB/);

    const exe = await upload([{ bytes: Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(600)]), name: 'setup.exe' }]);
    expect(exe.status).toBe(415);
    expect((await errorOf(exe)).message).toMatch(/WhatsApp cannot carry this file/);
    const text = await upload([{ bytes: Buffer.from('just some notes'), name: 'notes.txt', type: 'text/plain' }]);
    expect(text.status).toBe(415);

    const rows = await app.runtime.db.db.select().from(attachments);
    expect(rows.every((r) => r.filename !== 'big.pdf' && r.filename !== 'setup.exe' && r.filename !== 'photo.png')).toBe(true);
  });

  it('takes a vCard and a PDF; refuses two files, none, or a non-multipart body', async () => {
    expect((await upload([{ bytes: Buffer.from('BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\n'), name: 'ana.vcf' }])).status).toBe(201);
    expect((await upload([{ bytes: PDF, name: 'factura.pdf' }])).status).toBe(201);
    expect((await upload([{ bytes: PNG, name: 'a.png' }, { bytes: PNG, name: 'b.png' }])).status).toBe(400);
    expect((await upload([])).status).toBe(400);
    const json = await app.fetch('/api/v1/attachments', { method: 'POST', token: tokens.agent, json: { file: 'x' } });
    expect(json.status).toBe(415);
    expect((await app.fetch('/api/v1/attachments', { method: 'POST', body: new FormData() })).status).toBe(401);
  });
});

describe('serving media', () => {
  async function attachmentInChat(bytes: Buffer, name: string) {
    const res = await upload([{ bytes, name }]);
    const up = (await res.json()) as Uploaded;
    const queue = await fx.queue([agent.id]);
    const channel = await fx.channel(queue.id);
    const { conversation } = await fx.conversation({ channelId: channel.id, queueId: queue.id, assigneeId: agent.id });
    const [m] = await app.runtime.db.db
      .insert(messages)
      .values({ conversationId: conversation.id, channelId: channel.id, direction: 'outbound', kind: 'media', status: 'queued', authorId: agent.id })
      .returning();
    await app.runtime.db.db.update(attachments).set({ messageId: m!.id }).where(eq(attachments.id, up.id));
    return up;
  }

  it('shows images inline and offers documents as a download under their name', async () => {
    const image = await attachmentInChat(PNG, 'foto.png');
    const img = await app.fetch(`/api/media/${image.id}`, { token: tokens.agent });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('content-length')).toBe(String(PNG.length));
    expect(img.headers.get('content-disposition')).toMatch(/^inline/);
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);

    const doc = await attachmentInChat(PDF, 'Factura março.pdf');
    const pdf = await app.fetch(`/api/media/${doc.id}`, { token: tokens.agent });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="Factura mar_o.pdf"; filename*=UTF-8''${encodeURIComponent('Factura março.pdf')}`,
    );
  });

  it('serves byte ranges (audio/video players) and answers HEAD without a body', async () => {
    const doc = await attachmentInChat(PDF, 'range.pdf');
    const part = await app.fetch(`/api/media/${doc.id}`, { token: tokens.agent, headers: { range: 'bytes=0-3' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-3/${PDF.length}`);
    expect(await part.text()).toBe('%PDF');
    const head = await app.fetch(`/api/media/${doc.id}`, { method: 'HEAD', token: tokens.agent });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PDF.length));
  });

  it('serves only to who may see the conversation, or to a valid unexpired signed URL', async () => {
    const image = await attachmentInChat(PNG, 'private.png');
    expect((await app.fetch(`/api/media/${image.id}`)).status).toBe(401);
    expect((await app.fetch(`/api/media/${image.id}`, { token: tokens.other })).status).toBe(404);
    expect((await app.fetch(`/api/media/${image.id}`, { token: tokens.supervisor })).status).toBe(200);

    const signed = signedMediaUrl(image.id);
    expect(signed.startsWith(`${app.url}/api/media/${image.id}?`)).toBe(true);
    expect((await fetch(signed)).status).toBe(200);
    const expired = signedMediaUrl(image.id, { now: Date.now() - 2 * 3600 * 1000 });
    expect((await fetch(expired)).status).toBe(401);
    const otherFile = signed.replace(image.id, (await attachmentInChat(PDF, 'x.pdf')).id);
    expect((await fetch(otherFile)).status).toBe(401);

    // An upload not sent yet: its uploader only.
    const draft = (await (await upload([{ bytes: PNG, name: 'draft.png' }])).json()) as Uploaded;
    expect((await app.fetch(`/api/media/${draft.id}`, { token: tokens.agent })).status).toBe(200);
    expect((await app.fetch(`/api/media/${draft.id}`, { token: tokens.other })).status).toBe(404);
  });

  it('serves inbound media the download job stored, and 404s while it is still pending', async () => {
    const queue = await fx.queue([agent.id]);
    const channel = await fx.channel(queue.id);
    const { conversation } = await fx.conversation({ channelId: channel.id, queueId: queue.id, assigneeId: agent.id });
    const [m] = await app.runtime.db.db
      .insert(messages)
      .values({ conversationId: conversation.id, channelId: channel.id, direction: 'inbound', kind: 'media', status: 'received' })
      .returning();
    const stored = await storeMedia(PDF);
    const [ready, pending] = await app.runtime.db.db
      .insert(attachments)
      .values([
        { messageId: m!.id, contentType: 'application/pdf', size: stored.size, sha256: stored.sha256, storageKey: stored.storageKey, status: 'ready' },
        { messageId: m!.id, contentType: null, status: 'pending', sourceUrl: 'https://api.twilio.com/x' },
      ])
      .returning();
    const res = await app.fetch(`/api/media/${ready!.id}`, { token: tokens.agent });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect((await app.fetch(`/api/media/${pending!.id}`, { token: tokens.agent })).status).toBe(404);
    expect((await app.fetch('/api/media/not-a-uuid', { token: tokens.agent })).status).toBe(404);
  });
});
