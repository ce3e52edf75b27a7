import fs from 'node:fs';
import type { Db } from '@/db/client';
import { storageKeysInUse } from '@/db/queries/privacy';
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
