import { type Db } from '@/db/client';
import { getErasureById, listErasures } from '@/db/queries/privacy';
import type { Erasure } from '@/db/schema';
import { AppError } from '@/lib/errors';

export type ErasureReceipt = {
  receiptId: string;
  kind: Erasure['kind'];
  contactId: string | null;
  channelId: string | null;
  actorId: string | null;
  /** Retention: content written before this was removed. */
  cutoff: string | null;
  erasedAt: string;
  /** null while a retention run is still going. */
  finishedAt: string | null;
  counts: Record<string, number>;
  filesRemoved: number;
  /** Files still to delete (a stopped process left them; the daily job finishes them). */
  filesPending: number;
};

export function toReceipt(e: Erasure): ErasureReceipt {
  return {
    receiptId: e.id,
    kind: e.kind,
    contactId: e.contactId,
    channelId: e.channelId,
    actorId: e.actorId,
    cutoff: e.cutoff?.toISOString() ?? null,
    erasedAt: e.createdAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
    counts: e.counts,
    filesRemoved: e.filesRemoved,
    filesPending: e.pendingStorageKeys.length,
  };
}

export async function getErasureReceipt(db: Db, { id }: { id: string }): Promise<ErasureReceipt> {
  const row = await getErasureById(db, { id });
  if (!row) throw new AppError('not_found:No such erasure receipt.');
  return toReceipt(row);
}

/** The latest receipts, newest first: contact erasures and retention runs. */
export async function listErasureReceipts(
  db: Db,
  { kind, limit = 50 }: { kind?: Erasure['kind']; limit?: number },
): Promise<{ items: ErasureReceipt[]; nextCursor: null }> {
  return { items: (await listErasures(db, { kind, limit })).map(toReceipt), nextCursor: null };
}
