import { getDb } from '@/db/client';
import { getConversationById, markConversationRead } from '@/db/queries/conversations';
import type { Actor } from '@/lib/auth/roles';
import { assertCanSeeConversation } from './access';

/** The caller has read the conversation up to now: its unread count goes to 0. */
export async function markRead({ actor, conversationId }: { actor: Actor; conversationId: string }) {
  const db = getDb();
  await assertCanSeeConversation(db, actor, await getConversationById(db, { id: conversationId }));
  await markConversationRead(db, { userId: actor.id, conversationId });
}
