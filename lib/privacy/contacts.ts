import { type Db } from '@/db/client';
import { findContacts, getContactWithCounts, listContactConversations, type ContactRow } from '@/db/queries/privacy';
import { AppError } from '@/lib/errors';

export type PrivacyContactDto = {
  id: string;
  name: string | null;
  phone: string;
  waId: string | null;
  language: string | null;
  createdAt: string;
  counts: { conversations: number; openConversations: number; messages: number; attachments: number };
};

export type PrivacyContactDetailDto = PrivacyContactDto & {
  conversations: { id: string; channelId: string; channelName: string; queueName: string; status: string; messageCount: number; createdAt: string; closedAt: string | null }[];
};

function toDto(c: ContactRow): PrivacyContactDto {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    waId: c.waId,
    language: c.language,
    createdAt: c.createdAt.toISOString(),
    counts: { conversations: c.conversations, openConversations: c.openConversations, messages: c.messages, attachments: c.attachments },
  };
}

/** Admin look-up of a customer by number (any part of it, 3+ digits) or name (word prefixes). */
export async function searchContacts(db: Db, { q, limit = 20 }: { q: string; limit?: number }): Promise<{ items: PrivacyContactDto[]; nextCursor: null }> {
  if (!q.trim()) return { items: [], nextCursor: null };
  return { items: (await findContacts(db, { q, limit })).map(toDto), nextCursor: null };
}

export async function getContactDetail(db: Db, { id }: { id: string }): Promise<PrivacyContactDetailDto> {
  const c = await getContactWithCounts(db, { id });
  if (!c) throw new AppError('not_found:No such contact.');
  const convs = await listContactConversations(db, { contactId: id });
  return {
    ...toDto(c),
    conversations: convs.map((v) => ({
      id: v.id,
      channelId: v.channelId,
      channelName: v.channelName,
      queueName: v.queueName,
      status: v.status,
      messageCount: v.messageCount,
      createdAt: v.createdAt.toISOString(),
      closedAt: v.closedAt?.toISOString() ?? null,
    })),
  };
}
