import type { Db } from '@/db/client';
import type { Attachment, Channel, Contact, Conversation, Message } from '@/db/schema';
import { fileInboundMessage } from '@/db/queries/inbound';
import { insertAttachments } from '@/db/queries/attachments';
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
    // Two first messages of a new customer can race on the contact's wa_id (ON CONFLICT arbitrates
    // the phone only): the loser retries once the winner has committed and finds the contact.
    result = await retryOnUniqueRace(() => db.transaction(async (tx) => {
      const { contact, conversation, created, message } = await fileInboundMessage(tx, {
        channelId: channel.id,
        queueId: channel.queueId,
        channelLanguage: channel.language,
        phone,
        waId: inbound.waId,
        profileName: inbound.profileName,
        kind: inbound.kind,
        body: inbound.body,
        providerMessageId: inbound.messageSid,
        location: inbound.location,
        raw: inbound.raw,
        replyToProviderId: inbound.repliedToSid,
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
    }));
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

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  return e.code === '23505' || isUniqueViolation(e.cause);
}

async function retryOnUniqueRace<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts || !isUniqueViolation(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i));
    }
  }
}
