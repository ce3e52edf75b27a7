import { type Db } from '@/db/client';
import {
  deleteQuickReplyRow,
  getQuickReplyById,
  insertQuickReply,
  listQuickReplyRows,
  updateQuickReplyRow,
} from '@/db/queries/quick-replies';
import { listQueueMembers, listQueueRows } from '@/db/queries/queues';
import type { QuickReply } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { isUniqueViolation } from '@/lib/http/db-errors';

export type QuickReplyDto = {
  id: string;
  shortcut: string;
  language: string;
  text: string;
  /** null: every queue. */
  queueIds: string[] | null;
  createdAt: string;
  updatedAt: string;
};

export type QuickReplyInput = { shortcut: string; language: string; text: string; queueIds: string[] | null };

export function toQuickReplyDto(r: QuickReply): QuickReplyDto {
  return {
    id: r.id,
    shortcut: r.shortcut,
    language: r.language,
    text: r.text,
    queueIds: r.queueIds?.length ? r.queueIds : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const snapshot = (r: QuickReply) => ({ shortcut: r.shortcut, language: r.language, text: r.text, queueIds: r.queueIds });

const duplicate = (input: { shortcut?: string; language?: string }) =>
  new AppError(`conflict:The shortcut /${input.shortcut ?? ''} already exists in ${input.language ?? 'this language'}.`, {
    details: { fields: [{ path: 'shortcut', message: 'already exists in this language' }] },
  });

async function assertQueues(db: Db, ids: string[] | null | undefined) {
  if (!ids?.length) return;
  const known = new Set((await listQueueRows(db)).map((q) => q.id));
  if (ids.some((id) => !known.has(id))) {
    throw new AppError('validation_failed:queueIds: one of the queues does not exist.', {
      details: { fields: [{ path: 'queueIds', message: 'one of the queues does not exist' }] },
    });
  }
}

/**
 * Admins and supervisors see every quick reply; an agent those for all queues or one of its own.
 * `queueId` narrows to replies usable in that queue.
 */
export async function listQuickReplies(
  db: Db,
  { actor, filter }: { actor: Actor; filter: { language?: string; queueId?: string; q?: string } },
): Promise<{ items: QuickReplyDto[]; nextCursor: null }> {
  let queueIds: string[] | undefined = filter.queueId ? [filter.queueId] : undefined;
  if (actor.role === 'agent') {
    const mine = (await listQueueMembers(db)).filter((m) => m.id === actor.id).map((m) => m.queueId);
    queueIds = queueIds ? queueIds.filter((id) => mine.includes(id)) : mine;
  }
  const rows = await listQuickReplyRows(db, { language: filter.language, queueIds, q: filter.q });
  return { items: rows.map(toQuickReplyDto), nextCursor: null };
}

export async function getQuickReply(db: Db, { id }: { id: string }): Promise<QuickReplyDto> {
  const r = await getQuickReplyById(db, { id });
  if (!r) throw new AppError('not_found:No such quick reply.');
  return toQuickReplyDto(r);
}

export async function createQuickReply(db: Db, { actor, input }: { actor: Actor; input: QuickReplyInput }): Promise<QuickReplyDto> {
  try {
    return await db.transaction(async (tx) => {
      await assertQueues(tx, input.queueIds);
      const row = await insertQuickReply(tx, { ...input, queueIds: input.queueIds?.length ? input.queueIds : null });
      await writeAudit(tx, { actorId: actor.id, action: 'quick_reply.created', entity: 'quick_reply', entityId: row.id, after: snapshot(row) });
      return toQuickReplyDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(input);
    throw err;
  }
}

export async function updateQuickReply(db: Db, { actor, id, input }: { actor: Actor; id: string; input: Partial<QuickReplyInput> }): Promise<QuickReplyDto> {
  let merged: Partial<QuickReplyInput> = input;
  try {
    return await db.transaction(async (tx) => {
      const before = await getQuickReplyById(tx, { id });
      if (!before) throw new AppError('not_found:No such quick reply.');
      merged = { shortcut: before.shortcut, language: before.language, ...input };
      await assertQueues(tx, input.queueIds);
      const values = input.queueIds !== undefined ? { ...input, queueIds: input.queueIds?.length ? input.queueIds : null } : input;
      const after = await updateQuickReplyRow(tx, { id, values });
      await writeAudit(tx, {
        actorId: actor.id,
        action: 'quick_reply.updated',
        entity: 'quick_reply',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after!),
      });
      return toQuickReplyDto(after!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(merged);
    throw err;
  }
}

export async function deleteQuickReply(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getQuickReplyById(tx, { id });
    if (!before) throw new AppError('not_found:No such quick reply.');
    await deleteQuickReplyRow(tx, { id });
    await writeAudit(tx, { actorId: actor.id, action: 'quick_reply.deleted', entity: 'quick_reply', entityId: id, before: snapshot(before) });
  });
}
