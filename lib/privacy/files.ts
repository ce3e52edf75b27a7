import fs from 'node:fs';
import type { Db } from '@/db/client';
import { listErasuresWithPendingFiles, settleErasureFiles, storageKeysInUse } from '@/db/queries/privacy';
import { logger } from '@/lib/logger';
import { mediaPath } from '@/lib/media/storage';

/**
 * After the commit that removed their rows: deletes the media files no attachment or simulator row
 * refers to any more (files are content-addressed, so another customer's identical photo keeps it).
 * Returns how many files were removed from disk.
 */
export async function removeUnreferencedMedia(db: Db, keys: string[]): Promise<number> {
  const unique = [...new Set(keys)];
  if (!unique.length) return 0;
  const inUse = await storageKeysInUse(db, { keys: unique });
  let removed = 0;
  for (const key of unique) {
    if (inUse.has(key)) continue;
    try {
      await fs.promises.rm(mediaPath(key));
      removed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.error({ err, key }, 'media file could not be removed');
    }
  }
  return removed;
}

/** Deletes the files an erasure or retention batch queued on its receipt, then marks them done there. */
export async function settlePendingFiles(db: Db, { erasureId, keys }: { erasureId: string; keys: string[] }): Promise<number> {
  if (!keys.length) return 0;
  const removed = await removeUnreferencedMedia(db, keys);
  await settleErasureFiles(db, { id: erasureId, keys, removed });
  return removed;
}

/** Finishes the file deletions that a process stopped before (the rows were already gone). */
export async function settleLeftoverFiles(db: Db): Promise<number> {
  let removed = 0;
  for (const e of await listErasuresWithPendingFiles(db)) removed += await settlePendingFiles(db, { erasureId: e.id, keys: e.pendingStorageKeys });
  return removed;
}
