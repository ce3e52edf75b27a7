import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { messages, type Attachment, type Channel, type Contact, type Conversation, type Message } from '@/db/schema';
import { upsertContactByPhone } from '@/db/queries/contacts';
import { openConversationForInbound } from '@/db/queries/conversations';
import { insertAttachments } from '@/db/queries/attachments';
import { insertMessageOnce } from '@/db/queries/messages';
import { verifyTwilioWebhook, type TwilioWebhookRequest } from '@/lib/channels/twilio-webhook';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { DomainEvent, PublishedEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';
import { enqueueMediaDownloads } from '@/lib/media/download';
import { toE164, stripChannelPrefix } from '@/lib/phone';
import { toConversationDto, toMessageDto } from './dto';
import { parseInboundParams, type InboundMessage } from './inbound-params';
import { conversationAudience } from './message-events';

export type IngestResult =
  | { duplicate: true }
  | { duplicate: false; message: Message; conversation: Conversation; contact: Contact; created: boolean; attachments: Attachment[] };

class DuplicateMessage extends Error {}

/**
 * "A message comes in" from Twilio: validates the signature, then in one transaction files the
 * message (contact, open conversation, message, attachments, events). A retried or duplicated
 * webhook (same MessageSid on the channel) changes nothing and emits nothing.
 */
export async function ingestInboundMessage(
  db: Db,
  request: TwilioWebhookRequest,
): Promise<IngestResult> {
  const channel = await verifyTwilioWebhook(db, request);
  const inbound = parseInboundParams(request.params);
  return storeInboundMessage(db, { channel, inbound });
}

export async function storeInboundMessage(
  db: Db,
  { channel, inbound }: { channel: Channel; inbound: InboundMessage },
): Promise<IngestResult> {
  const phone =
    toE164(inbound.from, channel.defaultCountry) ??
    (inbound.waId ? toE164(`+${inbound.waId}`) : null) ??
    stripChannelPrefix(inbound.from);

  let published: PublishedEvent[] = [];
  let result: IngestResult;
  try {
    result = await db.transaction(async (tx) => {
      const contact = await upsertContactByPhone(tx, { phone, waId: inbound.waId, name: inbound.profileName });
      const { conversation, created } = await openConversationForInbound(tx, {
        channelId: channel.id,
        contactId: contact.id,
        queueId: channel.queueId,
        language: contact.language ?? channel.language,
      });
      const message = await insertMessageOnce(tx, {
        conversationId: conversation.id,
        channelId: channel.id,
        direction: 'inbound',
        kind: inbound.kind,
        body: inbound.body,
        status: 'received',
        providerMessageId: inbound.messageSid,
        location: inbound.location,
        raw: inbound.raw,
        ...(inbound.repliedToSid
          ? {
              replyToProviderId: inbound.repliedToSid,
              // Linked to our own message when we know the sid it replies to.
              replyToId: sql`(select ${messages.id} from ${messages} where ${messages.channelId} = ${channel.id} and ${messages.providerMessageId} = ${inbound.repliedToSid} limit 1)`,
            }
          : {}),
      });
      // Rolls back the contact/conversation touches too: a duplicate changes nothing.
      if (!message) throw new DuplicateMessage();
      const attachments = await insertAttachments(
        tx,
        inbound.media.map((m, position) => ({ messageId: message.id, position, contentType: m.contentType, sourceUrl: m.url, status: 'pending' as const })),
      );
      const events: DomainEvent[] = [];
      const conversationDto = toConversationDto(conversation, contact);
      if (created) {
        events.push({
          type: 'conversation.created',
          audience: { queueId: conversation.queueId, conversationId: conversation.id, toQueue: true },
          data: { conversation: conversationDto },
        });
      }
      events.push({
        type: 'message.created',
        audience: conversationAudience(conversation),
        data: { conversationId: conversation.id, message: toMessageDto(message, attachments) },
      });
      published = await recordEvents(tx, events);
      return { duplicate: false as const, message, conversation, contact, created, attachments };
    });
  } catch (err) {
    if (err instanceof DuplicateMessage) return { duplicate: true };
    throw err;
  }

  publishEvents(published);
  if (result.attachments.length) {
    // The webhook never downloads media itself: jobs do, with retries (Twilio may 404 for a moment).
    await enqueueMediaDownloads(result.attachments.map((a) => a.id)).catch((err: unknown) =>
      logger.error({ err, messageId: result.duplicate ? null : result.message.id }, 'could not enqueue media downloads'),
    );
  }
  return result;
}
