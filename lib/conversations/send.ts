import type { Db } from '@/db/client';
import type { Conversation, Message, Template } from '@/db/schema';
import { getAttachmentById, listAttachmentsForMessages } from '@/db/queries/attachments';
import { getChannelById } from '@/db/queries/channels';
import { getConversationWithContact } from '@/db/queries/conversations';
import { getMessageById } from '@/db/queries/messages';
import {
  claimUploadedAttachment,
  getMessageByClientId,
  insertOutboundMessage,
  resetFailedMessage,
  touchConversationAfterReply,
} from '@/db/queries/outbound-messages';
import { getTemplateById } from '@/db/queries/templates';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { checkTemplateValues, fillTemplate, formatPlaceholders, templateVariables } from '@/lib/templates/placeholders';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { DomainEvent, PublishedEvent } from '@/lib/events/types';
import { assertCanSeeConversation } from './access';
import { toConversationDto, toMessageDto, type MessageDto } from './dto';
import { conversationAudience, messageUpdatedEvent } from './message-events';
import { enqueueSendIn, wakeSendWorker } from './send-job';
import { assertWindowOpen } from './window';

export type SendInput =
  | { clientId: string; text: string }
  | { clientId: string; templateId: string; variables?: Record<string, string> }
  | { clientId: string; attachmentId: string; text?: string };

export type SendResult = { message: MessageDto; created: boolean };

/**
 * An agent's reply: authorised, checked against the 24-hour window, stored as pending exactly once
 * per clientId (a double click or a retried POST returns the first message), announced, and handed
 * to the send job. Nothing reaches the provider from here.
 */
export async function sendMessage(
  db: Db,
  { actor, conversationId, input }: { actor: Actor; conversationId: string; input: SendInput },
): Promise<SendResult> {
  const { conversation, contact } = await loadForSending(db, actor, conversationId);

  const repeat = await getMessageByClientId(db, { conversationId, clientId: input.clientId });
  if (repeat) return { message: await messageDto(db, repeat), created: false };

  assertOpen(conversation);
  await assertChannelCanSend(db, conversation);
  const values = await outboundValues(db, actor, conversation, input);

  let published: PublishedEvent[] = [];
  const message = await db.transaction(async (tx) => {
    const row = await insertOutboundMessage(tx, {
      conversationId,
      channelId: conversation.channelId,
      direction: 'outbound',
      status: 'pending',
      clientId: input.clientId,
      authorId: actor.id,
      ...values,
    });
    if (!row) return null; // the same clientId committed meanwhile (parallel POST)
    const attached =
      'attachmentId' in input ? await claimUploadedAttachment(tx, { id: input.attachmentId, messageId: row.id }) : undefined;
    if ('attachmentId' in input && !attached) throw new AppError('conflict:This attachment was sent already. Upload it again.');
    const updated = (await touchConversationAfterReply(tx, { id: conversationId })) ?? conversation;
    // Queued with the message: a process that stops right after the commit strands nothing.
    await enqueueSendIn(tx, { messageId: row.id });
    const events: DomainEvent[] = [
      {
        type: 'message.created',
        audience: conversationAudience(updated),
        data: { conversationId, message: toMessageDto(row, attached ? [attached] : [], actor.name) },
      },
      { type: 'conversation.updated', audience: conversationAudience(updated), data: { conversation: toConversationDto(updated, contact) } },
    ];
    published = await recordEvents(tx, events);
    return row;
  });
  if (!message) {
    const first = await getMessageByClientId(db, { conversationId, clientId: input.clientId });
    if (!first) throw new AppError('conflict:The message could not be stored. Try again.');
    return { message: await messageDto(db, first), created: false };
  }
  publishEvents(published);
  wakeSendWorker();
  return { message: await messageDto(db, message, actor.name), created: true };
}

/** Sends a failed message again (same message, same bubble): back to pending and to the send job. */
export async function retryMessage(
  db: Db,
  { actor, conversationId, messageId }: { actor: Actor; conversationId: string; messageId: string },
): Promise<MessageDto> {
  const { conversation } = await loadForSending(db, actor, conversationId);
  const message = await getMessageById(db, { id: messageId });
  if (!message || message.conversationId !== conversationId || message.direction !== 'outbound' || message.kind === 'system') {
    throw new AppError('not_found:No such message in this conversation.');
  }
  if (message.status !== 'failed' && message.status !== 'undelivered') {
    // A second click on retry, or a message that went through: nothing to do, nothing sent twice.
    if (message.status === 'pending') return messageDto(db, message);
    throw new AppError('conflict:This message did not fail: there is nothing to retry.');
  }
  assertOpen(conversation);
  await assertChannelCanSend(db, conversation);
  if (message.kind !== 'template') assertWindowOpen(conversation);

  let published: PublishedEvent[] = [];
  const reset = await db.transaction(async (tx) => {
    const row = await resetFailedMessage(tx, { id: message.id });
    if (!row) return null;
    await enqueueSendIn(tx, { messageId: row.id });
    const event = await messageUpdatedEvent(tx, row, conversation);
    if (event) published = await recordEvents(tx, [event]);
    return row;
  });
  if (!reset) return messageDto(db, (await getMessageById(db, { id: messageId }))!);
  publishEvents(published);
  wakeSendWorker();
  return messageDto(db, reset);
}

async function loadForSending(db: Db, actor: Actor, conversationId: string) {
  const found = await getConversationWithContact(db, { id: conversationId });
  await assertCanSeeConversation(db, actor, found?.conversation);
  const { conversation, contact } = found!;
  // Only the person the chat is assigned to writes in it. Supervisors and admins watch read-only;
  // to answer a customer themselves they take the chat as a member of its queue (accept, transfer).
  if (conversation.assigneeId !== actor.id) {
    throw new AppError(
      actor.role === 'agent'
        ? 'forbidden:Only the agent this chat is assigned to can reply. Accept it first.'
        : 'forbidden:Supervisors and admins read other agents’ chats; only the agent it is assigned to can reply.',
    );
  }
  return { conversation, contact };
}

function assertOpen(conversation: Conversation): void {
  if (conversation.status === 'closed') {
    throw new AppError('conflict:This conversation is closed. A new message from the customer opens a new one.');
  }
}

async function assertChannelCanSend(db: Db, conversation: Conversation): Promise<void> {
  const channel = await getChannelById(db, { id: conversation.channelId });
  if (!channel?.active) throw new AppError('unprocessable:This conversation’s channel is inactive: nothing can be sent through it.');
}

type OutboundValues = Pick<Message, 'kind' | 'body'> & Partial<Pick<Message, 'templateId' | 'templateVariables'>>;

async function outboundValues(db: Db, actor: Actor, conversation: Conversation, input: SendInput): Promise<OutboundValues> {
  if ('templateId' in input) {
    const template = await getTemplateById(db, { id: input.templateId });
    if (!template || (template.channelId && template.channelId !== conversation.channelId)) {
      throw new AppError('not_found:No such template for this channel.');
    }
    if (template.status !== 'approved') {
      throw new AppError(`unprocessable:Only WhatsApp-approved templates can be sent (this one is ${template.status}).`);
    }
    const variables = checkTemplateVariables(template, input.variables ?? {});
    return { kind: 'template', body: fillTemplate(template.body, variables), templateId: template.id, templateVariables: variables };
  }
  // Free text and media only inside the 24-hour window: refused here, before anything is stored or sent.
  assertWindowOpen(conversation);
  if ('attachmentId' in input) {
    const attachment = await getAttachmentById(db, { id: input.attachmentId });
    if (!attachment || attachment.uploadedById !== actor.id) throw new AppError('not_found:No such attachment. Upload the file first.');
    if (attachment.messageId) throw new AppError('conflict:This attachment was sent already. Upload it again.');
    if (attachment.status !== 'ready') throw new AppError('unprocessable:This attachment is not ready to send.');
    return { kind: 'media', body: input.text?.trim() ? input.text : null };
  }
  return { kind: 'text', body: input.text };
}

/**
 * Every placeholder of the body ({{1}}, {{2}}, ...) needs a value. Variables the Content API lists
 * outside the body (a media URL, a button) may be given too; Twilio uses their defaults otherwise.
 */
function checkTemplateVariables(template: Template, given: Record<string, string>): Record<string, string> {
  const { missing, unknown } = checkTemplateValues(template.body, given, Object.keys(template.variables ?? {}));
  if (missing.length) {
    throw new AppError(`validation_failed:Fill in the template variable${missing.length > 1 ? 's' : ''} ${formatPlaceholders(missing)}.`);
  }
  if (unknown.length) throw new AppError(`validation_failed:This template has no variable ${formatPlaceholders(unknown)}.`);
  const inBody = new Set(templateVariables(template.body));
  return Object.fromEntries(Object.entries(given).filter(([k, v]) => inBody.has(k) || v.trim()));
}

async function messageDto(db: Db, message: Message, authorName?: string): Promise<MessageDto> {
  const attachments = await listAttachmentsForMessages(db, { messageIds: [message.id] });
  return toMessageDto(message, attachments, authorName);
}
