import type { Db } from '@/db/client';
import { listAgentLive, listOpenChats, listQueueLive, type AgentLiveRow, type LiveChatRow } from '@/db/queries/supervision';

export type LiveQueue = {
  id: string;
  name: string;
  routingRule: string;
  waiting: number;
  oldestWaitingAt: string | null;
  longestWaitSeconds: number | null;
  active: number;
  handledToday: number;
  medianFirstResponseSeconds: number | null;
  agents: { available: number; away: number; offline: number };
};

export type LiveSummary = {
  generatedAt: string;
  since: string;
  totals: { waiting: number; active: number; handledToday: number; longestWaitSeconds: number | null };
  queues: LiveQueue[];
  agents: AgentLiveRow[];
  chats: LiveChatRow[];
};

const MAX_CHATS = 500;

/** Start of today in UTC: the default for "today" when the client does not send its own midnight. */
export function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** What is happening right now, per queue and per agent; "today" starts at `since`. */
export async function getLiveSummary({ db, since, now = new Date() }: { db: Db; since?: Date; now?: Date }): Promise<LiveSummary> {
  const from = since ?? startOfUtcDay(now);
  const [queues, agents, chats] = await Promise.all([
    listQueueLive(db, { since: from }),
    listAgentLive(db, { since: from }),
    listOpenChats(db, { limit: MAX_CHATS }),
  ]);
  const waitOf = (at: string | null) => (at ? Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000)) : null);
  const live = queues.map((q) => {
    const members = agents.filter((a) => a.queueIds.includes(q.id));
    return {
      ...q,
      medianFirstResponseSeconds: q.medianFirstResponseSeconds === null ? null : Math.round(q.medianFirstResponseSeconds),
      longestWaitSeconds: waitOf(q.oldestWaitingAt),
      agents: {
        available: members.filter((a) => a.presence === 'available').length,
        away: members.filter((a) => a.presence === 'away').length,
        offline: members.filter((a) => a.presence === 'offline').length,
      },
    };
  });
  const oldest = live.map((q) => q.oldestWaitingAt).filter((x): x is string => !!x).sort()[0] ?? null;
  return {
    generatedAt: now.toISOString(),
    since: from.toISOString(),
    totals: {
      waiting: live.reduce((n, q) => n + q.waiting, 0),
      active: live.reduce((n, q) => n + q.active, 0),
      handledToday: live.reduce((n, q) => n + q.handledToday, 0),
      longestWaitSeconds: waitOf(oldest),
    },
    queues: live,
    agents,
    chats,
  };
}
