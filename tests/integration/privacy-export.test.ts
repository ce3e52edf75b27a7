import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import yauzl from 'yauzl';
import { attachments, auditLog, contacts, conversations, messages } from '@/db/schema';
import { storeMedia } from '@/lib/media/storage';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAgent, createQueueWithAgents, post, type Agent } from '../helpers/routing';
import { inboundParams, postInbound, type TestChannel } from '../helpers/twilio';

let app: TestApp;
let admin: Agent;
let supervisor: Agent;
let ch: TestChannel;
const db = () => app.runtime.db.db;
const PHONE = '+34612000111';
// A small PNG's first bytes: enough to tell it apart.
const PHOTO = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40_000, 7)]);

/** Every entry of a zip file: name → bytes (read with yauzl, as any unzip tool would). */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, Buffer>();
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

let contactId: string;
let photoAttachmentId: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createAgent(app, { role: 'admin' });
  supervisor = await createAgent(app, { role: 'supervisor' });
  const q = await createQueueWithAgents(app, { agents: [{ name: 'Bea Agent' }] });
  ch = q.ch;
  const write = (body: string) => postInbound(app, ch, inboundParams(ch.channel, { Body: body, ProfileName: 'Lucía Pérez' }, PHONE));
  expect((await write('¿Dónde está mi pedido?')).status).toBe(200);
  const [contact] = await db().select().from(contacts).where(eq(contacts.phone, PHONE));
  contactId = contact!.id;
  const [conv] = await db().select().from(conversations).where(eq(conversations.contactId, contactId));
  expect((await post(app, `/api/v1/conversations/${conv!.id}/resolve`, admin.token)).status).toBe(200);
  expect((await write('Aquí está la foto del paquete')).status).toBe(200);
  const [last] = await db().select().from(messages).where(eq(messages.channelId, ch.channel.id)).orderBy(sql`seq desc`).limit(1);
  const stored = await storeMedia(PHOTO);
  const [att] = await db()
    .insert(attachments)
    .values([
      { messageId: last!.id, contentType: 'image/png', size: stored.size, sha256: stored.sha256, storageKey: stored.storageKey, filename: '../paquete roto.png', status: 'ready' },
      { messageId: last!.id, contentType: 'video/mp4', status: 'failed', failureReason: 'Too large', position: 1 },
    ])
    .returning();
  photoAttachmentId = att!.id;
});
afterAll(() => app?.close());

describe('GET /api/v1/contacts/:id/export', () => {
  it('is for admins only', async () => {
    expect((await app.fetch(`/api/v1/contacts/${contactId}/export`, { token: supervisor.token })).status).toBe(403);
    expect((await app.fetch(`/api/v1/contacts/${contactId}/export`)).status).toBe(401);
  });

  it('streams a zip with the contact’s JSON and their media files, and audits it', async () => {
    const res = await app.fetch(`/api/v1/contacts/${contactId}/export`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-contact-[0-9a-f]{8}-\d{4}-\d\d-\d\d\.zip"$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-export-')), 'export.zip');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    console.log('export zip bytes', fs.statSync(file).size);
    const entries = await unzip(file);

    const photoEntry = `media/${photoAttachmentId}-paquete_roto.png`;
    expect([...entries.keys()].sort()).toEqual(['contact.json', photoEntry]);
    expect(entries.get(photoEntry)!.equals(PHOTO)).toBe(true);

    const data = JSON.parse(entries.get('contact.json')!.toString('utf8'));
    expect(data.contact).toMatchObject({ id: contactId, phone: PHONE, name: 'Lucía Pérez', waId: '34612000111' });
    expect(data.conversations).toHaveLength(2);
    const bodies = data.conversations.flatMap((c: { messages: { body: string | null }[] }) => c.messages.map((m) => m.body));
    expect(bodies).toEqual(expect.arrayContaining(['¿Dónde está mi pedido?', 'Aquí está la foto del paquete']));
    const withMedia = data.conversations.flatMap((c: { messages: { attachments: unknown[] }[] }) => c.messages).find((m: { attachments: unknown[] }) => m.attachments.length);
    expect(withMedia.attachments).toEqual([
      expect.objectContaining({ id: photoAttachmentId, contentType: 'image/png', size: PHOTO.length, status: 'ready', file: photoEntry }),
      expect.objectContaining({ contentType: 'video/mp4', status: 'failed', file: null }),
    ]);
    expect(data.conversations[0].channel).toMatchObject({ id: ch.channel.id, name: ch.channel.name });

    const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'contact.exported'));
    expect(audit).toEqual([expect.objectContaining({ actorId: admin.id, entityId: contactId, after: { conversations: 2, messages: expect.any(Number), attachments: 2, files: 1 } })]);
    expect(JSON.stringify(audit)).not.toContain('pedido');
  });

  it('answers 404 for an unknown contact', async () => {
    expect((await app.fetch('/api/v1/contacts/00000000-0000-4000-8000-000000000000/export', { token: admin.token })).status).toBe(404);
  });
});
