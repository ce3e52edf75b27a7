import type { Attachment, Contact, Conversation, Message, MessageLocation } from '@/db/schema';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export type ContactDto = { id: string; name: string | null; phone: string; waId: string | null; language: string | null };

export type ConversationDto = {
  id: string;
  channelId: string;
  queueId: string;
  assigneeId: string | null;
  offeredToId: string | null;
  /** When it was offered to offeredToId (least_busy); the offer lapses after the queue's accept timeout. */
  offeredAt: string | null;
  status: Conversation['status'];
  language: string;
  lastInboundAt: string | null;
  lastMessageAt: string;
  windowExpiresAt: string | null;
  contact: ContactDto;
  createdAt: string;
  assignedAt: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  closedById: string | null;
  closeReason: string | null;
};

export type AttachmentDto = {
  id: string;
  contentType: string | null;
  size: number | null;
  filename: string | null;
  status: Attachment['status'];
  failureReason: string | null;
  url: string | null;
};

export type MessageDto = {
  id: string;
  conversationId: string;
  direction: Message['direction'];
  kind: Message['kind'];
  body: string | null;
  status: Message['status'];
  errorCode: string | null;
  errorReason: string | null;
  providerMessageId: string | null;
  clientId: string | null;
  replyTo: { id: string | null; providerMessageId: string | null } | null;
  location: MessageLocation | null;
  button: { text: string | null; payload: string | null } | null;
  /** Inbound WhatsApp context (from Twilio's raw fields): forwarded, and the click-to-WhatsApp ad it came from. */
  forwarded?: 'forwarded' | 'frequently' | null;
  referral?: Record<string, string> | null;
  templateId: string | null;
  templateVariables: Record<string, string> | null;
  attachments: AttachmentDto[];
  author: { id: string; name?: string } | null;
  createdAt: string;
  updatedAt: string;
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toContactDto(c: Contact): ContactDto {
  return { id: c.id, name: c.name, phone: c.phone, waId: c.waId, language: c.language };
}

export function toConversationDto(c: Conversation, contact: Contact): ConversationDto {
  return {
    id: c.id,
    channelId: c.channelId,
    queueId: c.queueId,
    assigneeId: c.assigneeId,
    offeredToId: c.offeredToId,
    offeredAt: iso(c.offeredAt),
    status: c.status,
    language: c.language,
    lastInboundAt: iso(c.lastInboundAt),
    lastMessageAt: c.lastMessageAt.toISOString(),
    windowExpiresAt: c.lastInboundAt ? new Date(c.lastInboundAt.getTime() + WINDOW_MS).toISOString() : null,
    contact: toContactDto(contact),
    createdAt: c.createdAt.toISOString(),
    assignedAt: iso(c.assignedAt),
    firstResponseAt: iso(c.firstResponseAt),
    closedAt: iso(c.closedAt),
    closedById: c.closedById,
    closeReason: c.closeReason,
  };
}

export function toAttachmentDto(a: Attachment): AttachmentDto {
  return {
    id: a.id,
    contentType: a.contentType,
    size: a.size,
    filename: a.filename,
    status: a.status,
    failureReason: a.failureReason,
    url: a.status === 'ready' ? `/api/media/${a.id}` : null,
  };
}

export function toMessageDto(m: Message, attachments: Attachment[] = [], authorName?: string): MessageDto {
  const raw = m.raw ?? {};
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    kind: m.kind,
    body: m.body,
    status: m.status,
    errorCode: m.errorCode,
    errorReason: m.errorReason,
    providerMessageId: m.providerMessageId,
    clientId: m.clientId,
    replyTo: m.replyToId || m.replyToProviderId ? { id: m.replyToId, providerMessageId: m.replyToProviderId } : null,
    location: m.location ?? null,
    button: m.kind === 'button' ? { text: raw.ButtonText ?? m.body, payload: raw.ButtonPayload ?? null } : null,
    forwarded: raw.FrequentlyForwarded === 'true' ? 'frequently' : raw.Forwarded === 'true' ? 'forwarded' : null,
    referral: referralOf(raw),
    templateId: m.templateId,
    templateVariables: m.templateVariables ?? null,
    attachments: attachments.map(toAttachmentDto),
    author: m.authorId ? { id: m.authorId, ...(authorName ? { name: authorName } : {}) } : null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** Twilio's Referral* fields (a click-to-WhatsApp ad), without the prefix: {sourceUrl, headline, ...}. */
function referralOf(raw: Record<string, string>): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith('Referral') || k === 'ReferralNumMedia' || v === '') continue;
    const name = k.slice('Referral'.length);
    out[name.charAt(0).toLowerCase() + name.slice(1)] = v;
  }
  return Object.keys(out).length ? out : null;
}
