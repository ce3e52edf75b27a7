import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@/db/client';
import { countAttachmentsWithStorageKey, insertAttachments } from '@/db/queries/attachments';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { sniffMediaFile } from './sniff';
import { MAX_MEDIA_BYTES, mediaPath, readMediaHead, storeMedia } from './storage';

// WhatsApp's limits: 16 MB for any media, 5 MB for images.
export const MAX_UPLOAD_BYTES = MAX_MEDIA_BYTES;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
// Multipart framing around the one file.
const MULTIPART_OVERHEAD = 64 * 1024;

export type UploadedAttachment = { id: string; contentType: string; size: number; filename: string | null; url: string };

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** The one file of a multipart/form-data request; refuses anything else before reading a large body. */
export async function readSingleFile(req: Request): Promise<File> {
  if (!(req.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type:Upload the file as multipart/form-data.');
  }
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD) {
    throw new AppError(`payload_too_large:The file is larger than ${mb(MAX_UPLOAD_BYTES)}, WhatsApp’s limit.`);
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError('bad_request:The upload is not valid multipart/form-data.');
  }
  const files = [...form.values()].filter((v): v is File => typeof v !== 'string');
  if (files.length !== 1) throw new AppError('bad_request:Send exactly one file per message.');
  return files[0]!;
}

/**
 * Checks an outbound file the way WhatsApp will (size, and the real type sniffed from its bytes,
 * never the browser's label), stores it, and records it as a ready attachment not yet on a message.
 */
export async function storeUpload(db: Db, { actor, file }: { actor: Actor; file: File }): Promise<UploadedAttachment> {
  if (file.size === 0) throw new AppError('bad_request:The file is empty.');
  if (file.size > MAX_UPLOAD_BYTES) {
    throw new AppError(`payload_too_large:The file is ${mb(file.size)}; WhatsApp takes at most ${mb(MAX_UPLOAD_BYTES)}.`);
  }
  const stored = await storeMedia(Buffer.from(await file.arrayBuffer()), { maxBytes: MAX_UPLOAD_BYTES });
  const discard = async () => {
    if ((await countAttachmentsWithStorageKey(db, { storageKey: stored.storageKey })) === 0) {
      await fs.promises.rm(mediaPath(stored.storageKey), { force: true });
    }
  };
  const sniffed = await sniffMediaFile(mediaPath(stored.storageKey), file.type || null, await readMediaHead(stored.storageKey));
  if (!sniffed.ok) {
    await discard();
    throw new AppError(`unsupported_media_type:WhatsApp cannot carry this file (${sniffed.reason}).`);
  }
  if (sniffed.contentType.startsWith('image/') && stored.size > MAX_IMAGE_BYTES) {
    await discard();
    throw new AppError(`payload_too_large:The image is ${mb(stored.size)}; WhatsApp takes images up to ${mb(MAX_IMAGE_BYTES)}.`);
  }
  const [row] = await insertAttachments(db, [
    {
      uploadedById: actor.id,
      contentType: sniffed.contentType,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.storageKey,
      filename: cleanFilename(file.name),
      status: 'ready',
    },
  ]);
  return { id: row!.id, contentType: sniffed.contentType, size: stored.size, filename: row!.filename, url: `/api/media/${row!.id}` };
}

function cleanFilename(name: string | undefined): string | null {
  const base = path.basename((name ?? '').replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return base ? base.slice(0, 200) : null;
}
