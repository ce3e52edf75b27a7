import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { channels, contacts, conversations, messages, queues, users } from '@/db/schema';
import { isAgentsConversation, agentServesContactOf } from '@/db/queries/history';
import { listAttachmentsForMessages } from '@/db/queries/attachments';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { canAccess } from '@/lib/auth/roles';
import { canSeeConversation } from '@/lib/conversations/access';
import { toConversationDto, toMessageDto, type ConversationDto, type MessageDto } from '@/lib/conversations/dto';
import { AppError } from '@/lib/errors';

export type Transcript = {
  conversation: ConversationDto & {
    channel: { id: string; name: string };
    queue: { id: string; name: string };
    agent: { id: string; name: string } | null;
    closedBy: { id: string; name: string } | null;
  };
  messages: MessageDto[];
};

const MAX_MESSAGES = 5000;

async function agentMayRead(db: Db, actor: Actor, c: typeof conversations.$inferSelect): Promise<boolean> {
  if (c.status !== 'closed') return canSeeConversation(db, actor, c);
  // What was said before is what they need to help the customer they serve now.
  return (
    (await isAgentsConversation(db, { agentId: actor.id, conversationId: c.id })) ||
    (await agentServesContactOf(db, { agentId: actor.id, conversationId: c.id }))
  );
}

/**
 * A conversation read-only with every message, its attachments, delivery state and failure
 * reasons, and the system events (kind `system`) in order. Writes a "viewed" audit entry.
 * Agents (404 otherwise: existence not revealed) read an open chat only when the one access rule
 * lets them see it now (lib/conversations/access.ts); a closed one they handled (assigned or wrote
 * in); and a closed one of a customer they serve now (the workspace's "Earlier conversations").
 * A colleague's open chat is never one of them, whoever the customer is.
 */
export async function getTranscript({ db, actor, id }: { db: Db; actor: Actor; id: string }): Promise<Transcript> {
  const [row] = await db
    .select({ c: conversations, contact: contacts, channel: channels, queue: queues })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(queues, eq(queues.id, conversations.queueId))
    .where(eq(conversations.id, id))
    .limit(1);
  if (!row) throw new AppError('not_found:No such conversation.');
  if (!canAccess(actor.role, 'history') && !(await agentMayRead(db, actor, row.c))) {
    throw new AppError('not_found:No such conversation.');
  }
  const list = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, id))
    .orderBy(asc(messages.seq))
    .limit(MAX_MESSAGES);
  const attachments = list.length ? await listAttachmentsForMessages(db, { messageIds: list.map((m) => m.id) }) : [];
  const peopleIds = [
    ...new Set([...list.map((m) => m.authorId), row.c.assigneeId, row.c.closedById].filter((x): x is string => !!x)),
  ];
  const people = peopleIds.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, peopleIds))
    : [];
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  const person = (pid: string | null) => (pid ? { id: pid, name: nameOf.get(pid) ?? 'Unknown user' } : null);

  await writeAudit(db, { actorId: actor.id, action: 'viewed', entity: 'conversation', entityId: id });

  return {
    conversation: {
      ...toConversationDto(row.c, row.contact),
      channel: { id: row.channel.id, name: row.channel.name },
      queue: { id: row.queue.id, name: row.queue.name },
      agent: person(row.c.assigneeId),
      closedBy: person(row.c.closedById),
    },
    messages: list.map((m) =>
      toMessageDto(
        m,
        attachments.filter((a) => a.messageId === m.id),
        m.authorId ? nameOf.get(m.authorId) : undefined,
      ),
    ),
  };
}
