import { getDb, type Db } from '@/db/client';
import { getConversationById, listExpiredOffers, listOffersHeldBy, lockConversation, updateConversationIf } from '@/db/queries/conversations';
import { getQueueById } from '@/db/queries/queues';
import { lockUser, setUserPresence } from '@/db/queries/users';
import type { User } from '@/db/schema';
import type { DomainEvent } from '@/lib/events/types';
import { dispatchQueue, followUp } from './assign';
import { runChange } from './change';
import { agentChanged, conversationChanged, queueEventsFor } from './events';

/**
 * Takes back the least_busy offers an agent holds (it went away, or let one time out), inside the
 * caller's transaction, which holds the agent's row lock. Returns the queues to dispatch again.
 */
export async function releaseOffers(tx: Db, agent: User, events: DomainEvent[]): Promise<string[]> {
  const queueIds: string[] = [];
  for (const offered of await listOffersHeldBy(tx, { userId: agent.id })) {
    const before = await lockConversation(tx, { id: offered.id });
    if (!before || before.status !== 'waiting' || before.offeredToId !== agent.id) continue;
    const after = (await updateConversationIf(tx, { id: before.id, where: undefined, set: { offeredToId: null, offeredAt: null } }))!;
    events.push(...(await conversationChanged(tx, before, after)));
    queueIds.push(after.queueId);
  }
  events.push(...(await queueEventsFor(tx, ...queueIds)));
  return [...new Set(queueIds)];
}

/**
 * The accept timeout of a least_busy offer: when it is due, the silent agent goes away (its other
 * offers go back too) and the chat is offered to the next. Returns the seconds still to wait when
 * the offer is not due yet (0 when it is handled or gone).
 */
export async function expireOffer({ conversationId }: { conversationId: string }): Promise<number> {
  const db = getDb();
  const [due] = await listExpiredOffers(db, { conversationId });
  if (!due) {
    const c = await getConversationById(db, { id: conversationId });
    if (!c || c.status !== 'waiting' || !c.offeredToId || !c.offeredAt) return 0;
    const queue = await getQueueById(db, { id: c.queueId });
    if (!queue?.acceptTimeoutSeconds) return 0;
    return Math.max(0, (c.offeredAt.getTime() + queue.acceptTimeoutSeconds * 1000 - Date.now()) / 1000);
  }
  const agentId = due.offeredToId!;
  const queueIds = await runChange(async (tx, events) => {
    const agent = await lockUser(tx, { id: agentId });
    // Re-checked under the locks: the agent may have accepted in the meantime.
    const [still] = await listExpiredOffers(tx, { conversationId });
    if (!agent || !still || still.offeredToId !== agentId) return [];
    const away = agent.presence === 'available' ? await setUserPresence(tx, { userId: agentId, presence: 'away' }) : agent;
    const queueIds = await releaseOffers(tx, away ?? agent, events);
    events.push(await agentChanged(tx, away ?? agent));
    return queueIds;
  });
  for (const queueId of queueIds) await followUp(() => dispatchQueue({ queueId }));
  return 0;
}

/** Sweep: offers whose timeout job never ran (a process stopped) are expired now. */
export async function expireStaleOffers(): Promise<void> {
  for (const offer of await listExpiredOffers(getDb())) await expireOffer({ conversationId: offer.id });
}
