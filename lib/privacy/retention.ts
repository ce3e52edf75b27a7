import type { Db } from '@/db/client';
import { deleteOldChannelRows, insertErasure, listChannelsWithRetention, stripOldMessages, type RetentionKey } from '@/db/queries/privacy';
import { writeAudit } from '@/lib/audit';
import { logger } from '@/lib/logger';
import { removeUnreferencedMedia } from './files';
import { toReceipt, type ErasureReceipt } from './receipts';

const DAY_MS = 86_400_000;
const BATCH = 500;

export type RetentionCounts = { messages: number; attachments: number; events: number; statusCallbacks: number; simulatorMessages: number };

/**
 * One channel's retention: what its customers said more than `retentionDays` ago in conversations
 * that are closed (message content, attachments and their files, outbox events, status callbacks,
 * simulator rows) is removed, a batch per transaction so a crash loses nothing and the next run
 * goes on. Conversations and message skeletons stay: reports count them. Records a receipt.
 */
export async function applyChannelRetention(
  db: Db,
  { channelId, retentionDays, now = new Date(), batchSize = BATCH }: { channelId: string; retentionDays: number; now?: Date; batchSize?: number },
): Promise<ErasureReceipt> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const counts: RetentionCounts = { messages: 0, attachments: 0, events: 0, statusCallbacks: 0, simulatorMessages: 0 };
  let filesRemoved = 0;
  let after: RetentionKey | null = null;
  do {
    const batch = await db.transaction((tx) => stripOldMessages(tx, { channelId, cutoff, after, limit: batchSize }));
    counts.messages += batch.messages;
    counts.attachments += batch.attachments;
    filesRemoved += await removeUnreferencedMedia(db, batch.storageKeys);
    after = batch.last;
  } while (after);
  for (;;) {
    const batch = await db.transaction((tx) => deleteOldChannelRows(tx, { channelId, cutoff, limit: batchSize }));
    counts.events += batch.events;
    counts.statusCallbacks += batch.statusCallbacks;
    counts.simulatorMessages += batch.simulatorMessages;
    filesRemoved += await removeUnreferencedMedia(db, batch.storageKeys);
    if (Math.max(batch.events, batch.statusCallbacks, batch.simulatorMessages) < batchSize) break;
  }
  const row = await db.transaction(async (tx) => {
    const r = await insertErasure(tx, { kind: 'retention', channelId, cutoff, counts, filesRemoved });
    if (Object.values(counts).some((n) => n > 0)) {
      await writeAudit(tx, {
        actorId: null,
        action: 'channel.retention_applied',
        entity: 'channel',
        entityId: channelId,
        after: { receiptId: r.id, retentionDays, cutoff: cutoff.toISOString(), counts, filesRemoved },
      });
    }
    return r;
  });
  logger.info({ channelId, retentionDays, counts, filesRemoved }, 'retention applied');
  return toReceipt(row);
}

/** Every channel with a retention period (the daily job). */
export async function applyRetention(db: Db, { now = new Date() }: { now?: Date } = {}): Promise<ErasureReceipt[]> {
  const receipts: ErasureReceipt[] = [];
  for (const ch of await listChannelsWithRetention(db)) {
    receipts.push(await applyChannelRetention(db, { channelId: ch.id, retentionDays: ch.retentionDays, now }));
  }
  return receipts;
}
