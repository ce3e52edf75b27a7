import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { getQueueById, isQueueMember, listLeastBusyQueuesWithWaiting, listMemberQueues } from '@/db/queries/queues';
import { getAgentLoad, listLeastBusyCandidates, lockUser, markAssigned } from '@/db/queries/users';
import { getContactById } from '@/db/queries/contacts';
import { getOldestUnofferedWaiting, lockConversation, updateConversationIf } from '@/db/queries/conversations';
import type { Actor } from '@/lib/auth/roles';
import { canSeeConversation } from '@/lib/conversations/access';
import { toConversationDto, type ConversationDto } from '@/lib/conversations/dto';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { runChange } from './change';
import { agentChanged, conversationChanged, queueChanged, systemMessage } from './events';
import { scheduleOfferTimeout } from './offer-timeout';

/**
 * An agent takes a waiting chat: offer_all (first accept wins) or a least_busy offer made to it.
 * Under the agent's row lock its load is counted, so concurrent accepts never exceed its limit;
 * under the chat's row lock its state is checked, so it is never assigned twice.
 */
export async function acceptConversation({ actor, conversationId }: { actor: Actor; conversationId: string }): Promise<ConversationDto> {
  return runChange(async (tx, events) => {
    const agent = await lockUser(tx, { id: actor.id });
    if (!agent?.active) throw new AppError('unauthorized:Sign in again.');
    const before = await lockConversation(tx, { id: conversationId });
    if (!before) throw new AppError('not_found:No such conversation.');
    // A member of the chat's queue learns it was taken (409); anyone else does not learn it exists.
    const member = await isQueueMember(tx, { queueId: before.queueId, userId: actor.id });
    if (!member && !(await canSeeConversation(tx, actor, before))) throw new AppError('not_found:No such conversation.');
    if (before.status === 'active' && before.assigneeId === actor.id) {
      return toConversationDto(before, await getContactById(tx, { id: before.contactId }));
    }
    if (before.status !== 'waiting') {
      throw new AppError(
        before.status === 'closed' ? 'conflict:This chat is closed.' : 'already_taken:Another agent already took this chat.',
        { status: 409 },
      );
    }
    if (before.offeredToId && before.offeredToId !== actor.id) {
      throw new AppError('already_taken:This chat is offered to another agent.', { status: 409 });
    }
    if (!member) {
      throw new AppError('forbidden:Only members of the chat’s queue can take it.');
    }
    if (agent.presence !== 'available') {
      throw new AppError('not_available:Set yourself available to take chats.', { status: 409 });
    }
    // An offer made to this agent already counts in its load.
    const load = await getAgentLoad(tx, { userId: actor.id });
    if (before.offeredToId !== actor.id && load >= agent.maxChats) {
      throw new AppError(`limit_reached:You already have ${load} of your ${agent.maxChats} chats.`, { status: 409 });
    }
    const after = (await updateConversationIf(tx, {
      id: conversationId,
      where: undefined,
      set: {
        status: 'active',
        assigneeId: actor.id,
        offeredToId: null,
        offeredAt: null,
        assignedAt: before.assignedAt ?? sql`now()`,
      },
    }))!;
    await markAssigned(tx, { userId: actor.id });
    events.push(...(await conversationChanged(tx, before, after)));
    events.push(await systemMessage(tx, after, `${agent.name} accepted the chat.`));
    events.push(await agentChanged(tx, agent), await queueChanged(tx, after.queueId));
    return toConversationDto(after, await getContactById(tx, { id: after.contactId }));
  });
}

type OfferResult = 'done' | 'agent_full' | 'gone';

/** One least_busy placement of one chat with one agent, in its own transaction (one lock of each). */
async function placeWith(conversationId: string, queueId: string, agentId: string): Promise<OfferResult> {
  let timeout: { seconds: number } | undefined;
  const result = await runChange<OfferResult>(async (tx, events) => {
    const agent = await lockUser(tx, { id: agentId });
    if (!agent?.active || agent.presence !== 'available') return 'agent_full';
    if ((await getAgentLoad(tx, { userId: agentId })) >= agent.maxChats) return 'agent_full';
    const before = await lockConversation(tx, { id: conversationId });
    if (!before || before.status !== 'waiting' || before.offeredToId || before.queueId !== queueId) return 'gone';
    const queue = await getQueueById(tx, { id: queueId });
    if (!queue) return 'gone';
    const offer = !!queue.acceptTimeoutSeconds;
    const after = (await updateConversationIf(tx, {
      id: conversationId,
      where: undefined,
      set: offer
        ? { offeredToId: agentId, offeredAt: sql`now()` }
        : {
            status: 'active',
            assigneeId: agentId,
            assignedAt: before.assignedAt ?? sql`now()`,
          },
    }))!;
    await markAssigned(tx, { userId: agentId });
    events.push(...(await conversationChanged(tx, before, after)));
    if (!offer) events.push(await systemMessage(tx, after, `Assigned to ${agent.name}.`));
    events.push(await agentChanged(tx, agent), await queueChanged(tx, queueId));
    if (offer) timeout = { seconds: queue.acceptTimeoutSeconds! };
    return 'done';
  });
  if (timeout) await scheduleOfferTimeout({ conversationId, seconds: timeout.seconds });
  return result;
}

/**
 * least_busy: places the queue's waiting chats, oldest first, each with the best available member
 * (speaks the language, fewest chats, longest since the last assignment). Stops when no one has a
 * free slot. offer_all queues need no placement: their members see and accept waiting chats.
 */
export async function dispatchQueue({ queueId }: { queueId: string }): Promise<number> {
  const db = getDb();
  const queue = await getQueueById(db, { id: queueId });
  if (!queue || queue.routingRule !== 'least_busy') return 0;
  let placed = 0;
  for (let round = 0; round < 200; round++) {
    const next = await getOldestUnofferedWaiting(db, { queueId });
    if (!next) break;
    const candidates = await listLeastBusyCandidates(db, { queueId, language: next.language });
    let outcome: OfferResult = 'agent_full';
    for (const c of candidates) {
      outcome = await placeWith(next.id, queueId, c.id);
      if (outcome !== 'agent_full') break;
    }
    if (outcome === 'agent_full') break; // everyone is busy: the chat waits for a free slot
    if (outcome === 'done') placed++;
  }
  return placed;
}

/**
 * Sweep: least_busy chats still waiting though a member could take them. Placement follows the
 * commit that made it possible (a new chat, an agent available or freed); should the process stop
 * in between, or that placement fail, this catches up within a minute. Returns the chats placed.
 */
export async function placeStrandedChats(): Promise<number> {
  let placed = 0;
  for (const queueId of await listLeastBusyQueuesWithWaiting(getDb())) placed += await dispatchQueue({ queueId });
  return placed;
}

/** An agent became available or freed a slot: its least_busy queues serve their oldest chats. */
export async function dispatchForAgent({ userId }: { userId: string }): Promise<void> {
  const queues = await listMemberQueues(getDb(), { userId });
  for (const q of queues) {
    if (q.routingRule === 'least_busy') await dispatchQueue({ queueId: q.id });
  }
}

/** Follow-up placement after a committed change; its failure is logged, never undoes the change. */
export async function followUp(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    logger.error({ err }, 'routing follow-up failed');
  }
}
