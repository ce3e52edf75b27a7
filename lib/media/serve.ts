import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Db } from '@/db/client';
import type { Attachment } from '@/db/schema';
import { getAttachmentById } from '@/db/queries/attachments';
import { getConversationById } from '@/db/queries/conversations';
import { getMessageById } from '@/db/queries/messages';
import { actorFromRequest } from '@/lib/auth/session';
import { canSeeConversation } from '@/lib/conversations/access';
import { AppError } from '@/lib/errors';
import { verifyMediaSignature } from './signed-url';
import { mediaPath } from './storage';

const notFound = () => new AppError('not_found:No such file.');

/**
 * An attachment's bytes for GET/HEAD: to whoever holds a valid signed URL (Twilio fetching outbound
 * media), or to a signed-in user who may see its conversation (or uploaded it and has not sent it yet).
 */
export async function serveAttachment(db: Db, { req, id }: { req: Request; id: string }): Promise<Response> {
  const attachment = await getAttachmentById(db, { id });
  const url = new URL(req.url);
  const signed = verifyMediaSignature(id, { expires: url.searchParams.get('expires'), sig: url.searchParams.get('sig') });
  if (!signed) {
    const actor = await actorFromRequest(req);
    if (!actor) throw new AppError('unauthorized:Sign in, or send a valid API token.');
    if (!attachment || !(await maySee(db, actor, attachment))) throw notFound();
  }
  if (!attachment || attachment.status !== 'ready' || !attachment.storageKey) throw notFound();

  let size: number;
  try {
    size = (await fs.promises.stat(mediaPath(attachment.storageKey))).size;
  } catch {
    throw notFound();
  }
  const type = attachment.contentType ?? 'application/octet-stream';
  const headers = new Headers({
    'content-type': type,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': disposition(type, attachment.filename),
  });

  const range = parseRange(req.headers.get('range'), size);
  if (range === 'unsatisfiable') {
    headers.set('content-range', `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const [start, end] = range ?? [0, size - 1];
  headers.set('content-length', String(end - start + 1));
  if (range) headers.set('content-range', `bytes ${start}-${end}/${size}`);
  const status = range ? 206 : 200;
  if (req.method === 'HEAD' || size === 0) return new Response(null, { status, headers });
  const stream = fs.createReadStream(mediaPath(attachment.storageKey), { start, end });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
}

async function maySee(db: Db, actor: NonNullable<Awaited<ReturnType<typeof actorFromRequest>>>, a: Attachment): Promise<boolean> {
  if (!a.messageId) return a.uploadedById === actor.id || actor.role !== 'agent';
  const message = await getMessageById(db, { id: a.messageId });
  const conversation = message ? await getConversationById(db, { id: message.conversationId }) : undefined;
  return !!conversation && (await canSeeConversation(db, actor, conversation));
}

// Pictures, sound and video play in the page; documents download under their own name.
function disposition(type: string, filename: string | null): string {
  const inline = /^(image|audio|video)\//.test(type);
  if (!filename) return inline ? 'inline' : 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** One `bytes=a-b` range (what players ask for); anything fancier is answered whole. */
function parseRange(header: string | null, size: number): [number, number] | 'unsatisfiable' | null {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
