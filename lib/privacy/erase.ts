import type { Db } from '@/db/client';
import {
  erasedPlaceholderId,
  eraseContactRows,
  getContactWithCounts,
  getErasureById,
  insertErasure,
  listOpenConversationIds,
  lockContact,
} from '@/db/queries/privacy';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { resolveConversation } from '@/lib/routing/resolve';
import { settlePendingFiles } from './files';
import { toReceipt, type ErasureReceipt } from './receipts';

const digits = (s: string) => s.replace(/\D/g, '');

/**
 * Erases one contact everywhere (see eraseContactRows for what that covers) in one transaction, then
 * deletes the media files on disk. Open conversations are resolved first, the way an admin would, so
 * agents and queues are freed. The receipt (and the audit entry) hold counts, never content; it can be
 * fetched again by its id. `confirm`, when given, must be the contact's number.
 */
export async function eraseContact(
  db: Db,
  { actor, contactId, confirm }: { actor: Actor; contactId: string; confirm?: string },
): Promise<ErasureReceipt> {
  const contact = await getContactWithCounts(db, { id: contactId });
  if (!contact) throw new AppError('not_found:No such contact.');
  if (confirm !== undefined && (!digits(confirm) || digits(confirm) !== digits(contact.phone))) {
    throw new AppError("validation_failed:confirm: type the contact's phone number to erase it.", {
      details: { fields: [{ path: 'confirm', message: "must be the contact's phone number" }] },
    });
  }
  for (const conversationId of await listOpenConversationIds(db, { contactId })) {
    await resolveConversation({ actor, conversationId });
  }

  const { receipt, storageKeys } = await db.transaction(async (tx) => {
    // The row lock makes a message arriving now wait, then file under a new contact.
    const locked = await lockContact(tx, { id: contactId });
    if (!locked) throw new AppError('not_found:No such contact.');
    if ((await listOpenConversationIds(tx, { contactId })).length) {
      throw new AppError('conflict:The contact wrote again while being erased; erase again.');
    }
    const placeholderId = await erasedPlaceholderId(tx);
    const { counts, storageKeys } = await eraseContactRows(tx, { contact: locked, placeholderId });
    const row = await insertErasure(tx, { kind: 'contact', contactId, actorId: actor.id, counts, pendingStorageKeys: storageKeys, finishedAt: new Date() });
    await writeAudit(tx, { actorId: actor.id, action: 'contact.erased', entity: 'contact', entityId: contactId, after: { receiptId: row.id, counts } });
    return { receipt: row, storageKeys };
  });

  const filesRemoved = await settlePendingFiles(db, { erasureId: receipt.id, keys: storageKeys });
  logger.info({ contactId, receiptId: receipt.id, by: actor.id, counts: receipt.counts, filesRemoved }, 'contact erased');
  return toReceipt((await getErasureById(db, { id: receipt.id }))!);
}
