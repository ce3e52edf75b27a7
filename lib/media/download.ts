import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { getDb, sqlExecutor, type Db } from '@/db/client';
import type { Channel } from '@/db/schema';
import { countAttachmentsWithStorageKey, getAttachmentById, updateAttachment } from '@/db/queries/attachments';
import { getChannelById } from '@/db/queries/channels';
import { getMessageById } from '@/db/queries/messages';
import { adapterFor, MediaFetchError, type ChannelAdapter } from '@/lib/channels';
import { messageUpdatedEvent } from '@/lib/conversations/message-events';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import { defineJob, getBoss, wakeWorker } from '@/lib/jobs/boss';
import { logger } from '@/lib/logger';
import { sniffMediaFile } from './sniff';
import { MAX_MEDIA_BYTES, mediaPath, readMediaHead, storeMedia } from './storage';

export const MEDIA_DOWNLOAD_JOB = 'media.download';

// Media may answer 404 for a moment after the webhook while it propagates (Twilio): retry with backoff.
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];

/**
 * Queues the downloads of attachments that `tx` stores: the jobs exist iff `tx` commits, so a
 * process that stops right after the commit strands no attachment as pending. Then call
 * `wakeMediaWorker()`.
 */
export async function enqueueMediaDownloadsIn(tx: Db, attachmentIds: string[]): Promise<void> {
  if (!attachmentIds.length) return;
  await getBoss().insert(
    MEDIA_DOWNLOAD_JOB,
    attachmentIds.map((attachmentId) => ({ data: { attachmentId }, singletonKey: attachmentId })),
    { db: sqlExecutor(tx) } as never,
  );
}

export function wakeMediaWorker(): void {
  wakeWorker(MEDIA_DOWNLOAD_JOB);
}

/** The file, through the channel's adapter (Twilio: a URL behind Basic auth; Meta: a media id), retried while it may heal. */
async function fetchWithRetry(channel: Channel, ref: string): Promise<Response> {
  let adapter: ChannelAdapter;
  try {
    adapter = adapterFor(channel.provider);
  } catch (err) {
    throw new MediaFetchError((err as Error).message);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await adapter.fetchMedia(channel, ref);
    } catch (err) {
      if (!(err instanceof MediaFetchError) || !err.retryable || attempt >= RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
    }
  }
}

function filenameOf(res: Response): string | null {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain filename */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain ? plain[1]!.trim() : null;
}

/** Downloads, stores (by sha256) and checks one inbound attachment; `ready` or `failed` with a reason. */
export async function downloadAttachment(db: Db, { attachmentId }: { attachmentId: string }): Promise<void> {
  const attachment = await getAttachmentById(db, { id: attachmentId });
  if (!attachment || attachment.status !== 'pending' || !attachment.sourceUrl || !attachment.messageId) return;
  const message = await getMessageById(db, { id: attachment.messageId });
  const channel = message ? await getChannelById(db, { id: message.channelId }) : undefined;
  if (!message || !channel) return;

  let values: Parameters<typeof updateAttachment>[1]['values'];
  try {
    const res = await fetchWithRetry(channel, attachment.sourceUrl);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_MEDIA_BYTES) {
      await res.body?.cancel();
      throw new MediaFetchError('file larger than 16 MB');
    }
    if (!res.body) throw new MediaFetchError('the media host sent an empty answer');
    const stored = await storeMedia(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'payload_too_large') throw new MediaFetchError('file larger than 16 MB');
      throw err;
    });
    const head = await readMediaHead(stored.storageKey);
    const sniffed = await sniffMediaFile(mediaPath(stored.storageKey), attachment.contentType, head);
    if (!sniffed.ok) {
      if ((await countAttachmentsWithStorageKey(db, { storageKey: stored.storageKey })) === 0) {
        await fs.promises.rm(mediaPath(stored.storageKey), { force: true });
      }
      throw new MediaFetchError(sniffed.reason);
    }
    values = {
      status: 'ready',
      contentType: sniffed.contentType,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.storageKey,
      filename: filenameOf(res),
      failureReason: null,
    };
  } catch (err) {
    if (!(err instanceof MediaFetchError)) throw err;
    logger.warn({ attachmentId, reason: err.reason }, 'media download failed');
    values = { status: 'failed', failureReason: err.reason };
  }

  let published: Awaited<ReturnType<typeof recordEvents>> = [];
  await db.transaction(async (tx) => {
    const updated = await updateAttachment(tx, { id: attachment.id, values });
    if (!updated) return;
    const event = await messageUpdatedEvent(tx, message);
    if (event) published = await recordEvents(tx, [event]);
  });
  publishEvents(published);
}

export const mediaDownloadJob = defineJob<{ attachmentId: string }>({
  name: MEDIA_DOWNLOAD_JOB,
  queue: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
  concurrency: 4,
  handler: (data) => downloadAttachment(getDb(), data),
});
