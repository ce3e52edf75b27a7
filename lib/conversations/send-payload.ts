import type { Db } from '@/db/client';
import type { Channel, Message } from '@/db/schema';
import { listAttachmentsForMessages } from '@/db/queries/attachments';
import { listKnownProviderIds } from '@/db/queries/outbound-messages';
import { getTemplateById } from '@/db/queries/templates';
import type { ChannelAdapter, OutboundMessage, SendResult } from '@/lib/channels';
import { AppError } from '@/lib/errors';
import { signedMediaUrl } from '@/lib/media/signed-url';

// The provider's clock and ours: an earlier attempt is looked for from this long before it started.
const RECONCILE_SKEW_MS = 120_000;

/** What the provider is asked to send for a pending message; AppError when it can no longer be sent (its template or file is gone). */
export async function buildOutboundMessage(db: Db, message: Message, channel: Channel, to: string): Promise<OutboundMessage> {
  const base = {
    from: channel.phoneNumber,
    to,
    // The attempt about to be made (the row counts the ones made so far).
    sentAs: { messageId: message.id, attempt: message.sendAttempts + 1 },
  };
  if (message.kind === 'template') {
    const template = message.templateId ? await getTemplateById(db, { id: message.templateId }) : undefined;
    if (!template) throw new AppError('unprocessable:The template was deleted before the message went out.');
    return {
      ...base,
      template: {
        providerTemplateId: template.contentSid,
        name: template.name,
        language: template.language,
        variables: message.templateVariables ?? {},
      },
    };
  }
  if (message.kind === 'media') {
    const [attachment] = await listAttachmentsForMessages(db, { messageIds: [message.id] });
    if (!attachment || attachment.status !== 'ready') throw new AppError('unprocessable:The attachment is missing.');
    return { ...base, body: message.body ?? undefined, mediaUrl: signedMediaUrl(attachment.id) };
  }
  return { ...base, body: message.body ?? '' };
}

/** The oldest message at the provider that an earlier attempt of this one would be, not recorded on another message. */
export async function findEarlierAttempt(
  db: Db,
  { adapter, channel, message, payload }: { adapter: ChannelAdapter; channel: Channel; message: Message; payload: OutboundMessage },
): Promise<SendResult | undefined> {
  const candidates = await adapter.findSentMessages(channel, {
    from: payload.from,
    to: payload.to,
    since: new Date(message.sendAttemptStartedAt!.getTime() - RECONCILE_SKEW_MS),
    body: message.body ?? '',
    withMedia: !!payload.mediaUrl,
  });
  const taken = await listKnownProviderIds(db, {
    channelId: message.channelId,
    providerMessageIds: candidates.map((c) => c.providerMessageId),
    exceptId: message.id,
  });
  return candidates.find((c) => !taken.has(c.providerMessageId));
}
