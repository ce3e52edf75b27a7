import type { Db } from '@/db/client';
import { addToErasure, deleteOldChannelRows, finishErasure, getErasureById, insertErasure, listChannelsWithRetention, stripOldMessages, type RetentionKey } from '@/db/queries/privacy';
import { writeAudit } from '@/lib/audit';
import { logger } from '@/lib/logger';
import { settleLeftoverFiles, settlePendingFiles } from './files';
import { toReceipt, type ErasureReceipt } from './receipts';

const DAY_MS = 86_400_000;
const BATCH = 500;

const ZERO = { messages: 0, attachments: 0, events: 0, statusCallbacks: 0, simulatorMessages: 0 };
export type RetentionCounts = typeof ZERO;

/**
 * One channel's retention: what its customers said more than `retentionDays` ago in conversations
 * that are closed (message content, attachments and their files, outbox events, status callbacks,
 * simulator rows) is removed, a batch per transaction; each batch adds its counts and its files to
 * delete to the run's receipt in that same transaction, so a crash loses no count and strands no
 * file (the next run deletes them). Conversations and message skeletons stay: reports count them.
 */
export async function applyChannelRetention(
  db: Db,
  { channelId, retentionDays, now = new Date(), batchSize = BATCH }: { channelId: string; retentionDays: number; now?: Date; batchSize?: number },
): Promise<ErasureReceipt> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const run = await insertErasure(db, { kind: 'retention', channelId, cutoff, counts: ZERO });
  const batch = async (work: (tx: Db) => Promise<{ counts: Partial<RetentionCounts>; storageKeys: string[] }>) => {
    const done = await db.transaction(async (tx) => {
      const r = await work(tx);
      await addToErasure(tx, { id: run.id, counts: r.counts, storageKeys: r.storageKeys });
      return r;
    });
    await settlePendingFiles(db, { erasureId: run.id, keys: done.storageKeys });
    return done;
  };
  let after: RetentionKey | null = null;
  do {
    await batch(async (tx) => {
      const b = await stripOldMessages(tx, { channelId, cutoff, after, limit: batchSize });
      after = b.last;
      return { counts: { messages: b.messages, attachments: b.attachments }, storageKeys: b.storageKeys };
    });
  } while (after);
  for (;;) {
    const r = await batch(async (tx) => {
      const b = await deleteOldChannelRows(tx, { channelId, cutoff, limit: batchSize });
      return { counts: { events: b.events, statusCallbacks: b.statusCallbacks, simulatorMessages: b.simulatorMessages }, storageKeys: b.storageKeys };
    });
    if (Math.max(r.counts.events ?? 0, r.counts.statusCallbacks ?? 0, r.counts.simulatorMessages ?? 0) < batchSize) break;
  }
  await finishErasure(db, { id: run.id });
  const receipt = (await getErasureById(db, { id: run.id }))!;
  if (Object.values(receipt.counts).some((n) => n > 0)) {
    await writeAudit(db, {
      actorId: null,
      action: 'channel.retention_applied',
      entity: 'channel',
      entityId: channelId,
      after: { receiptId: run.id, retentionDays, cutoff: cutoff.toISOString(), counts: receipt.counts, filesRemoved: receipt.filesRemoved },
    });
  }
  logger.info({ channelId, retentionDays, counts: receipt.counts, filesRemoved: receipt.filesRemoved }, 'retention applied');
  return toReceipt(receipt);
}

/** The daily job: files a crash left behind, then every channel with a retention period. */
export async function applyRetention(db: Db, { now = new Date() }: { now?: Date } = {}): Promise<ErasureReceipt[]> {
  const leftover = await settleLeftoverFiles(db);
  if (leftover) logger.info({ files: leftover }, 'media files of earlier erasures removed');
  const receipts: ErasureReceipt[] = [];
  for (const ch of await listChannelsWithRetention(db)) {
    receipts.push(await applyChannelRetention(db, { channelId: ch.id, retentionDays: ch.retentionDays, now }));
  }
  return receipts;
}
