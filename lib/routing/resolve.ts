import { sql } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { getUserById } from '@/db/queries/users';
import { getContactById } from '@/db/queries/contacts';
import { listSilentConversations, lockConversation, updateConversationIf } from '@/db/queries/conversations';
import type { Conversation } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { canSeeConversation } from '@/lib/conversations/access';
import { toConversationDto, type ConversationDto } from '@/lib/conversations/dto';
import type { DomainEvent } from '@/lib/events/types';
import { AppError } from '@/lib/errors';
import { dispatchForAgent, followUp } from './assign';
import { runChange } from './change';
import { agentChanged, conversationChanged, queueChanged, systemMessage } from './events';

async function close(
  tx: Db,
  events: DomainEvent[],
  before: Conversation,
  by: { id: string | null; reason: 'resolved' | 'timeout'; note: string },
): Promise<Conversation> {
  const after = (await updateConversationIf(tx, {
    id: before.id,
    where: undefined,
    set: { status: 'closed', closedAt: sql`now()`, closedById: by.id, closeReason: by.reason, offeredToId: null, offeredAt: null },
  }))!;
  events.push(...(await conversationChanged(tx, before, after)));
  events.push(await systemMessage(tx, after, by.note));
  const holder = before.assigneeId ?? before.offeredToId;
  if (holder) {
    const user = await getUserById(tx, { id: holder });
    if (user) events.push(await agentChanged(tx, user));
  }
  events.push(await queueChanged(tx, after.queueId));
  return after;
}

/** The assignee (or a supervisor/admin) closes the chat; the next message opens a new one. */
export async function resolveConversation({ actor, conversationId }: { actor: Actor; conversationId: string }): Promise<ConversationDto> {
  const { dto, freed } = await runChange(async (tx, events) => {
    const before = await lockConversation(tx, { id: conversationId });
    if (!before || !(await canSeeConversation(tx, actor, before))) throw new AppError('not_found:No such conversation.');
    const contact = await getContactById(tx, { id: before.contactId });
    if (before.status === 'closed') return { dto: toConversationDto(before, contact), freed: null };
    if (actor.role === 'agent' && before.assigneeId !== actor.id) {
      throw new AppError('forbidden:Only the agent handling this chat, or a supervisor, can resolve it.');
    }
    const after = await close(tx, events, before, { id: actor.id, reason: 'resolved', note: `Resolved by ${actor.name}.` });
    return { dto: toConversationDto(after, contact), freed: before.assigneeId ?? before.offeredToId };
  });
  if (freed) await followUp(() => dispatchForAgent({ userId: freed }));
  return dto;
}

/** Auto-close (sweep job): active chats silent for their queue's completion timeout. */
export async function closeSilentConversations(): Promise<number> {
  let closed = 0;
  for (const { id } of await listSilentConversations(getDb())) {
    const freed = await runChange(async (tx, events) => {
      const before = await lockConversation(tx, { id });
      // Re-checked under the lock: a message may have arrived since the list was read.
      const [still] = await listSilentConversations(tx, { conversationId: id });
      if (!before || !still) return undefined;
      await close(tx, events, before, {
        id: null,
        reason: 'timeout',
        note: `Closed automatically after ${still.minutes} minutes without messages.`,
      });
      closed++;
      return before.assigneeId;
    });
    if (freed) await followUp(() => dispatchForAgent({ userId: freed }));
  }
  return closed;
}
