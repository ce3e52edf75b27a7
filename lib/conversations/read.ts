import type { Db } from '@/db/client';
import { listAttachmentsForMessages } from '@/db/queries/attachments';
import { getConversationWithContact } from '@/db/queries/conversations';
import { getAuthorNames, getMessageById, listMessagesPage } from '@/db/queries/messages';
import type { Attachment } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { assertCanSeeConversation } from './access';
import { toConversationDto, toMessageDto, type ConversationDto, type MessageDto } from './dto';

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;

/** One conversation as the API shows it; 404 when it does not exist or the actor may not see it. */
export async function getConversation(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<ConversationDto> {
  const row = await getConversationWithContact(db, { id });
  await assertCanSeeConversation(db, actor, row?.conversation);
  return toConversationDto(row!.conversation, row!.contact);
}

/**
 * A page of a conversation's messages: the newest page first, `before` (a message id, the
 * previous page's `nextCursor`) for older ones; items in chronological order.
 */
export async function listMessages(
  db: Db,
  { actor, conversationId, before, limit = DEFAULT_PAGE }: { actor: Actor; conversationId: string; before?: string; limit?: number },
): Promise<{ items: MessageDto[]; nextCursor: string | null }> {
  const row = await getConversationWithContact(db, { id: conversationId });
  await assertCanSeeConversation(db, actor, row?.conversation);
  let beforeSeq: number | undefined;
  if (before) {
    const anchor = await getMessageById(db, { id: before });
    if (!anchor || anchor.conversationId !== conversationId) throw new AppError('bad_request:Unknown cursor.');
    beforeSeq = anchor.seq;
  }
  const size = Math.min(Math.max(limit, 1), MAX_PAGE);
  const page = await listMessagesPage(db, { conversationId, beforeSeq, limit: size + 1 });
  const more = page.length > size;
  const items = (more ? page.slice(0, size) : page).reverse();
  const [attachments, names] = await Promise.all([
    listAttachmentsForMessages(db, { messageIds: items.map((m) => m.id) }),
    getAuthorNames(db, { ids: [...new Set(items.map((m) => m.authorId).filter((x): x is string => !!x))] }),
  ]);
  const byMessage = new Map<string, Attachment[]>();
  for (const a of attachments) byMessage.set(a.messageId!, [...(byMessage.get(a.messageId!) ?? []), a]);
  return {
    items: items.map((m) => toMessageDto(m, byMessage.get(m.id) ?? [], m.authorId ? names.get(m.authorId) : undefined)),
    nextCursor: more ? items[0]!.id : null,
  };
}
