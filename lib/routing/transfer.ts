import { getQueueById } from '@/db/queries/queues';
import { getUserById } from '@/db/queries/users';
import { getAgentLoad, lockUser, markAssigned } from '@/db/queries/users';
import { getContactById } from '@/db/queries/contacts';
import { isQueueMember } from '@/db/queries/queues';
import { lockConversation, updateConversationIf } from '@/db/queries/conversations';
import type { Conversation } from '@/db/schema';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/roles';
import { canSeeConversation } from '@/lib/conversations/access';
import { toConversationDto, type ConversationDto } from '@/lib/conversations/dto';
import type { DomainEvent } from '@/lib/events/types';
import { AppError } from '@/lib/errors';
import { sql } from 'drizzle-orm';
import { dispatchForAgent, dispatchQueue, followUp } from './assign';
import { runChange } from './change';
import { agentChanged, conversationChanged, queueEventsFor, systemMessage } from './events';

export type TransferTarget = { agentId: string } | { queueId: string };

async function checkMayTransfer(tx: Db, actor: Actor, c: Conversation | undefined): Promise<Conversation> {
  if (!c || !(await canSeeConversation(tx, actor, c))) throw new AppError('not_found:No such conversation.');
  if (c.status === 'closed') throw new AppError('conflict:This chat is closed.');
  if (actor.role === 'agent' && c.assigneeId !== actor.id) {
    throw new AppError('forbidden:Only the agent handling this chat, or a supervisor, can transfer it.');
  }
  return c;
}

async function previousHolderEvents(tx: Db, before: Conversation, events: DomainEvent[]) {
  const prev = before.assigneeId ?? before.offeredToId;
  if (!prev) return;
  const user = await getUserById(tx, { id: prev });
  if (user) events.push(await agentChanged(tx, user));
}

/**
 * To a person: a member of the chat's queue (any role), available, within its limit (counted under
 * its row lock); assigned to it at once. To a queue:
 * the chat waits there (least_busy places it at once). Either way the previous agent loses it.
 */
export async function transferConversation({
  actor,
  conversationId,
  target,
}: {
  actor: Actor;
  conversationId: string;
  target: TransferTarget;
}): Promise<ConversationDto> {
  const { dto, before } = await runChange(async (tx, events) => {
    if ('agentId' in target) {
      const agent = await lockUser(tx, { id: target.agentId });
      const before = await checkMayTransfer(tx, actor, await lockConversation(tx, { id: conversationId }));
      if (!agent?.active) throw new AppError('not_found:No such agent.');
      if (before.assigneeId === agent.id) throw new AppError('conflict:The chat is already with this agent.');
      // A chat goes to a person who serves its queue (any role): nobody else takes its chats, and
      // an agent outside it could not even see it once it came back to the queue.
      if (!(await isQueueMember(tx, { queueId: before.queueId, userId: agent.id }))) {
        const queue = await getQueueById(tx, { id: before.queueId });
        throw new AppError(`not_in_queue:${agent.name} is not a member of the ${queue?.name ?? 'chat’s'} queue. Transfer it to that queue, or to one of its members.`, { status: 409 });
      }
      if (agent.presence !== 'available') {
        throw new AppError(`agent_unavailable:${agent.name} is ${agent.presence} and cannot take chats now.`, { status: 409 });
      }
      const load = await getAgentLoad(tx, { userId: agent.id });
      if (load >= agent.maxChats) {
        throw new AppError(`limit_reached:${agent.name} already has ${load} of ${agent.maxChats} chats.`, { status: 409 });
      }
      const after = (await updateConversationIf(tx, {
        id: before.id,
        where: undefined,
        set: { status: 'active', assigneeId: agent.id, offeredToId: null, offeredAt: null, assignedAt: before.assignedAt ?? sql`now()` },
      }))!;
      await markAssigned(tx, { userId: agent.id });
      events.push(...(await conversationChanged(tx, before, after)));
      events.push(await systemMessage(tx, after, `Transferred to ${agent.name} by ${actor.name}.`));
      await previousHolderEvents(tx, before, events);
      events.push(await agentChanged(tx, agent), ...(await queueEventsFor(tx, before.queueId)));
      return { dto: toConversationDto(after, await getContactById(tx, { id: after.contactId })), before };
    }
    const queue = await getQueueById(tx, { id: target.queueId });
    const before = await checkMayTransfer(tx, actor, await lockConversation(tx, { id: conversationId }));
    if (!queue) throw new AppError('not_found:No such queue.');
    const after = (await updateConversationIf(tx, {
      id: before.id,
      where: undefined,
      set: { status: 'waiting', queueId: queue.id, assigneeId: null, offeredToId: null, offeredAt: null },
    }))!;
    events.push(...(await conversationChanged(tx, before, after)));
    events.push(await systemMessage(tx, after, `Transferred to the ${queue.name} queue by ${actor.name}.`));
    await previousHolderEvents(tx, before, events);
    events.push(...(await queueEventsFor(tx, before.queueId, queue.id)));
    return { dto: toConversationDto(after, await getContactById(tx, { id: after.contactId })), before };
  });
  if ('queueId' in target) await followUp(() => dispatchQueue({ queueId: target.queueId }));
  const prev = before.assigneeId ?? before.offeredToId;
  if (prev) await followUp(() => dispatchForAgent({ userId: prev }));
  return dto;
}
