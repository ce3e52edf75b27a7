import fs from 'node:fs';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Db } from '@/db/client';
import { getContactWithCounts, listContactConversations, listConversationsMessages } from '@/db/queries/privacy';
import type { Attachment } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { mediaPath } from '@/lib/media/storage';

const EXT: Record<string, string> = {
  'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp', 'audio/mpeg': '.mp3', 'audio/ogg': '.ogg', 'audio/amr': '.amr',
  'audio/aac': '.aac', 'audio/mp4': '.m4a', 'video/mp4': '.mp4', 'video/3gpp': '.3gp', 'application/pdf': '.pdf', 'text/vcard': '.vcf',
};

/** The attachment's name inside the zip: its id (unique) plus a safe form of its file name or type's extension. */
function entryName(a: Attachment): string {
  const safe = (a.filename ?? '').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(-80);
  return `media/${a.id}${safe ? `-${safe}` : (EXT[a.contentType ?? ''] ?? '')}`;
}

/**
 * A contact's data on request (right of access): `contact.json` (the contact, its conversations,
 * messages and attachments' metadata) and every stored media file under `media/`, as a zip that is
 * streamed, media read from disk as the client consumes it. Audited (counts only).
 */
export async function exportContact(
  db: Db,
  { actor, contactId }: { actor: Actor; contactId: string },
): Promise<{ stream: ReadableStream<Uint8Array>; filename: string }> {
  const contact = await getContactWithCounts(db, { id: contactId });
  if (!contact) throw new AppError('not_found:No such contact.');
  const convs = await listContactConversations(db, { contactId });
  const { messages, attachments } = await listConversationsMessages(db, { conversationIds: convs.map((c) => c.id) });

  const files: { path: string; entry: string }[] = [];
  const attachmentsOf = new Map<string, ReturnType<typeof attachmentJson>[]>();
  function attachmentJson(a: Attachment) {
    let file: string | null = null;
    if (a.status === 'ready' && a.storageKey) {
      const path = mediaPath(a.storageKey);
      if (fs.existsSync(path)) files.push({ path, entry: (file = entryName(a)) });
    }
    return { id: a.id, contentType: a.contentType, size: a.size, sha256: a.sha256, filename: a.filename, status: a.status, file, createdAt: a.createdAt.toISOString() };
  }
  for (const a of attachments) {
    const list = attachmentsOf.get(a.messageId!) ?? [];
    list.push(attachmentJson(a));
    attachmentsOf.set(a.messageId!, list);
  }
  const data = {
    exportedAt: new Date().toISOString(),
    contact: { id: contact.id, name: contact.name, phone: contact.phone, waId: contact.waId, language: contact.language, createdAt: contact.createdAt.toISOString() },
    conversations: convs.map((c) => ({
      id: c.id,
      channel: { id: c.channelId, name: c.channelName, phoneNumber: c.channelNumber },
      queue: c.queueName,
      status: c.status,
      language: c.language,
      createdAt: c.createdAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      messages: messages
        .filter((m) => m.conversationId === c.id)
        .map((m) => ({
          id: m.id,
          direction: m.direction,
          kind: m.kind,
          body: m.body,
          status: m.status,
          errorCode: m.errorCode,
          errorReason: m.errorReason,
          location: m.location,
          templateVariables: m.templateVariables,
          author: m.authorName,
          createdAt: m.createdAt.toISOString(),
          attachments: attachmentsOf.get(m.id) ?? [],
        })),
    })),
  };

  await writeAudit(db, {
    actorId: actor.id,
    action: 'contact.exported',
    entity: 'contact',
    entityId: contactId,
    after: { conversations: convs.length, messages: messages.length, attachments: attachments.length, files: files.length },
  });

  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(data, null, 2) + '\n'), 'contact.json');
  // Media is already compressed (jpeg, mp4, ogg...): stored, not deflated again.
  for (const f of files) zip.addFile(f.path, f.entry, { compress: false });
  zip.end();
  zip.outputStream.on('error', (err) => logger.error({ err, contactId }, 'contact export failed'));
  const stamp = new Date().toISOString().slice(0, 10);
  return { stream: Readable.toWeb(zip.outputStream as Readable) as ReadableStream<Uint8Array>, filename: `parley-contact-${contactId.slice(0, 8)}-${stamp}.zip` };
}
