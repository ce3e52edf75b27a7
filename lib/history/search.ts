import { searchHistory as searchHistoryRows, type HistoryFilter, type HistoryRow } from '@/db/queries/history';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/roles';
import { canAccess } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { decodeCursor, encodeCursor, toHistoryFilter, type HistoryQuery } from './filters';

export type HistoryItem = {
  id: string;
  status: HistoryRow['status'];
  language: string;
  contact: { id: string; name: string | null; phone: string };
  channel: { id: string; name: string };
  queue: { id: string; name: string };
  agent: { id: string; name: string | null } | null;
  startedAt: string;
  assignedAt: string | null;
  firstResponseAt: string | null;
  endedAt: string | null;
  closeReason: string | null;
  waitSeconds: number | null;
  firstResponseSeconds: number | null;
  messageCount: number;
};

export function toHistoryItem(r: HistoryRow): HistoryItem {
  return {
    id: r.id,
    status: r.status,
    language: r.language,
    contact: { id: r.contactId, name: r.contactName, phone: r.contactPhone },
    channel: { id: r.channelId, name: r.channelName },
    queue: { id: r.queueId, name: r.queueName },
    agent: r.agentId ? { id: r.agentId, name: r.agentName } : null,
    startedAt: r.createdAt,
    assignedAt: r.assignedAt,
    firstResponseAt: r.firstResponseAt,
    endedAt: r.closedAt,
    closeReason: r.closeReason,
    waitSeconds: r.waitSeconds === null ? null : Math.round(r.waitSeconds),
    firstResponseSeconds: r.firstResponseSeconds === null ? null : Math.round(r.firstResponseSeconds),
    messageCount: r.messageCount,
  };
}

/**
 * The filter an actor may run. Supervisors and admins: any. Agents: only chats they were assigned
 * or wrote in; asking for another agent's chats is refused.
 */
export function scopedFilter(actor: Actor, query: HistoryQuery): HistoryFilter {
  const filter = toHistoryFilter(query);
  if (canAccess(actor.role, 'history')) return filter;
  if (filter.agentId && filter.agentId !== actor.id) {
    throw new AppError('forbidden:Agents can search only their own chats.');
  }
  return { ...filter, agentId: actor.id };
}

export async function searchConversationHistory({
  db,
  actor,
  query,
}: {
  db: Db;
  actor: Actor;
  query: HistoryQuery;
}): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const filter = scopedFilter(actor, query);
  const limit = query.limit ?? 50;
  const rows = await searchHistoryRows(db, {
    filter,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toHistoryItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursorTs, id: last.id }) : null,
  };
}
