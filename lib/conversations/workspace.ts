import { getDb } from '@/db/client';
import { getInboxExtras, listContactConversations, getConversationById } from '@/db/queries/conversations';
import { listChannelSummaries } from '@/db/queries/channels';
import { listQueueNames } from '@/db/queries/queues';
import { getLatestEventId } from '@/db/queries/events';
import type { Actor } from '@/lib/auth/roles';
import { assertCanSeeConversation } from './access';
import type { ConversationDto } from './dto';
import { listConversations, listMyQueues } from './list';
import { getUserProfile } from '@/lib/users/profile';

export type InboxConversation = ConversationDto & {
  lastMessage: { kind: string; body: string | null; direction: string; status: string; createdAt: string } | null;
  unread: number;
};

const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);

/** Adds the last message and the caller's unread count to conversations, for the inbox list. */
export async function withInboxExtras(actor: Actor, items: ConversationDto[]): Promise<InboxConversation[]> {
  const extras = await getInboxExtras(getDb(), { userId: actor.id, conversationIds: items.map((c) => c.id) });
  return items.map((c) => {
    const x = extras.get(c.id);
    return {
      ...c,
      unread: x?.unread ?? 0,
      lastMessage:
        x && x.last_kind
          ? { kind: x.last_kind, body: x.last_body, direction: x.last_direction!, status: x.last_status!, createdAt: iso(x.last_at)! }
          : null,
    };
  });
}

/** Everything the agent workspace needs on load, in one request. */
export async function loadWorkspace({ actor }: { actor: Actor }) {
  const db = getDb();
  // Read before the snapshot: every event up to it is reflected below, and the page's socket asks
  // for everything after it (auth.since), so nothing that happens while the page loads is missed.
  const lastEventId = await getLatestEventId(db);
  const [me, myQueues, allQueues, channels, open] = await Promise.all([
    getUserProfile({ userId: actor.id }),
    listMyQueues({ actor }),
    listQueueNames(db),
    listChannelSummaries(db),
    listConversations({ actor, status: ['waiting', 'active'], limit: 200 }),
  ]);
  return {
    lastEventId,
    me,
    queues: myQueues.items,
    allQueues,
    channels: channels.map((c) => ({
      id: c.id,
      name: c.name,
      provider: c.provider,
      environment: c.environment,
      language: c.language,
      phoneNumber: c.phone_number,
    })),
    conversations: await withInboxExtras(actor, open.items),
  };
}

/** The contact's conversations (newest first), for "earlier conversations" beside a chat. */
export async function contactHistory({ actor, conversationId }: { actor: Actor; conversationId: string }) {
  const db = getDb();
  const conversation = await getConversationById(db, { id: conversationId });
  await assertCanSeeConversation(db, actor, conversation);
  const rows = await listContactConversations(db, { contactId: conversation!.contactId });
  return {
    items: rows.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: iso(r.created_at),
      closedAt: iso(r.closed_at),
      queueName: r.queue_name,
      channelName: r.channel_name,
      assigneeName: r.assignee_name,
      messageCount: r.message_count,
    })),
  };
}
