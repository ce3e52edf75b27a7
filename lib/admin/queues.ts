import { inArray } from 'drizzle-orm';
import { type Db } from '@/db/client';
import {
  deleteQueueRow,
  getQueueById,
  insertQueue,
  listQueueMembers,
  listQueueRows,
  queueLiveCounts,
  queueUsage,
  setQueueMembers,
  updateQueueRow,
} from '@/db/queries/queues';
import { users, type Queue } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import { isUniqueViolation } from '@/lib/http/db-errors';

export type QueueMemberDto = {
  id: string;
  name: string;
  email: string;
  role: string;
  languages: string[];
  maxChats: number;
  presence: string;
  active: boolean;
};

export type QueueDto = {
  id: string;
  name: string;
  routingRule: Queue['routingRule'];
  completionTimeoutMinutes: number | null;
  acceptTimeoutSeconds: number | null;
  memberIds: string[];
  members: QueueMemberDto[];
  counts: { waiting: number; active: number; availableAgents: number };
  createdAt: string;
  updatedAt: string;
};

export type QueueInput = {
  name: string;
  routingRule: Queue['routingRule'];
  completionTimeoutMinutes: number | null;
  acceptTimeoutSeconds: number | null;
  memberIds: string[];
};

const conflictName = () =>
  new AppError('conflict:A queue with this name already exists.', { details: { fields: [{ path: 'name', message: 'is already used by another queue' }] } });

function snapshot(q: Queue, memberIds: string[]) {
  return {
    name: q.name,
    routingRule: q.routingRule,
    completionTimeoutMinutes: q.completionTimeoutMinutes,
    acceptTimeoutSeconds: q.acceptTimeoutSeconds,
    memberIds,
  };
}

async function toDtos(db: Db, rows: Queue[]): Promise<QueueDto[]> {
  const [members, counts] = await Promise.all([listQueueMembers(db, { queueIds: rows.map((r) => r.id) }), queueLiveCounts(db)]);
  return rows.map((q) => {
    const mine = members.filter((m) => m.queueId === q.id).map(({ queueId: _q, ...m }) => m);
    return {
      id: q.id,
      name: q.name,
      routingRule: q.routingRule,
      completionTimeoutMinutes: q.completionTimeoutMinutes,
      acceptTimeoutSeconds: q.acceptTimeoutSeconds,
      memberIds: mine.map((m) => m.id),
      members: mine,
      counts: counts.get(q.id) ?? { waiting: 0, active: 0, availableAgents: 0 },
      createdAt: q.createdAt.toISOString(),
      updatedAt: q.updatedAt.toISOString(),
    };
  });
}

async function assertMembersExist(db: Db, ids: string[]) {
  if (!ids.length) return;
  const found = await db.select({ id: users.id }).from(users).where(inArray(users.id, ids));
  if (found.length !== ids.length) {
    throw new AppError('validation_failed:memberIds: one of the members does not exist.', {
      details: { fields: [{ path: 'memberIds', message: 'one of the members does not exist' }] },
    });
  }
}

export async function listQueues(db: Db): Promise<{ items: QueueDto[]; nextCursor: null }> {
  return { items: await toDtos(db, await listQueueRows(db)), nextCursor: null };
}

export async function getQueue(db: Db, { id }: { id: string }): Promise<QueueDto> {
  const q = await getQueueById(db, { id });
  if (!q) throw new AppError('not_found:No such queue.');
  return (await toDtos(db, [q]))[0]!;
}

export async function createQueue(db: Db, { actor, input }: { actor: Actor; input: QueueInput }): Promise<QueueDto> {
  const memberIds = [...new Set(input.memberIds)];
  try {
    const q = await db.transaction(async (tx) => {
      await assertMembersExist(tx, memberIds);
      const row = await insertQueue(tx, {
        name: input.name,
        routingRule: input.routingRule,
        completionTimeoutMinutes: input.completionTimeoutMinutes,
        acceptTimeoutSeconds: input.acceptTimeoutSeconds,
      });
      await setQueueMembers(tx, { queueId: row.id, userIds: memberIds });
      await writeAudit(tx, { actorId: actor.id, action: 'queue.created', entity: 'queue', entityId: row.id, after: snapshot(row, memberIds) });
      return row;
    });
    return getQueue(db, { id: q.id });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictName();
    throw err;
  }
}

export async function updateQueue(db: Db, { actor, id, input }: { actor: Actor; id: string; input: Partial<QueueInput> }): Promise<QueueDto> {
  try {
    const published = await db.transaction(async (tx) => {
      const before = await getQueueById(tx, { id });
      if (!before) throw new AppError('not_found:No such queue.');
      const beforeMembers = (await listQueueMembers(tx, { queueIds: [id] })).map((m) => m.id);
      const { memberIds: newMembers, ...fields } = input;
      const after = Object.keys(fields).length ? await updateQueueRow(tx, { id, values: fields }) : before;
      const memberIds = newMembers ? [...new Set(newMembers)] : beforeMembers;
      if (newMembers) {
        await assertMembersExist(tx, memberIds);
        await setQueueMembers(tx, { queueId: id, userIds: memberIds });
      }
      await writeAudit(tx, {
        actorId: actor.id,
        action: 'queue.updated',
        entity: 'queue',
        entityId: id,
        before: snapshot(before, beforeMembers),
        after: snapshot(after!, memberIds),
      });
      // Routing re-reads members and rules; agents' views refresh their queue list.
      return recordEvents(tx, [
        // memberIds: the realtime layer moves connected agents in or out of the queue's room at once.
        { type: 'queue.updated', audience: { queueId: id, toQueue: true, userIds: [...new Set([...beforeMembers, ...memberIds])] }, data: { queueId: id, reason: 'settings', memberIds } },
      ]);
    });
    publishEvents(published);
    return getQueue(db, { id });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictName();
    throw err;
  }
}

/** Only a queue no channel feeds and no conversation ever used can be deleted. */
export async function deleteQueue(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getQueueById(tx, { id });
    if (!before) throw new AppError('not_found:No such queue.');
    const usage = await queueUsage(tx, { id });
    if (usage.channels) throw new AppError(`conflict:${usage.channels} channel(s) feed this queue. Point them at another queue first.`);
    if (usage.conversations) throw new AppError(`conflict:This queue has ${usage.conversations} conversation(s) in its history and cannot be deleted.`);
    const members = (await listQueueMembers(tx, { queueIds: [id] })).map((m) => m.id);
    await deleteQueueRow(tx, { id });
    await writeAudit(tx, { actorId: actor.id, action: 'queue.deleted', entity: 'queue', entityId: id, before: snapshot(before, members) });
  });
}
