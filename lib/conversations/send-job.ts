import { setTimeout as sleep } from 'node:timers/promises';
import { getDb, type Db } from '@/db/client';
import type { Channel, Message } from '@/db/schema';
import { listAttachmentsForMessages } from '@/db/queries/attachments';
import { getChannelById } from '@/db/queries/channels';
import { getConversationWithContact } from '@/db/queries/conversations';
import { getMessageById } from '@/db/queries/messages';
import {
  countEarlierPendingMessages,
  failPendingMessage,
  getTemplateById,
  leaseSendSlot,
  recordProviderMessageId,
  releaseSendSlot,
} from '@/db/queries/outbound-messages';
import { providerFor, ProviderSendError, type OutboundMessage } from '@/lib/channels/provider';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { PublishedEvent } from '@/lib/events/types';
import { defineJob, enqueueJob, enqueueJobIn, wakeWorker } from '@/lib/jobs/boss';
import { logger } from '@/lib/logger';
import { signedMediaUrl } from '@/lib/media/signed-url';
import { NON_RETRYABLE, readableReason } from './error-codes';
import { fromTwilioStatus } from './message-status';
import { messageUpdatedEvent } from './message-events';
import { advanceMessageStatus, applyPendingStatusCallbacks } from './statuses';

export const SEND_MESSAGE_JOB = 'message.send';

export type SendJobData = { messageId: string; attempt?: number; firstAttemptAt?: string };

// Twilio's WhatsApp sandbox accepts at most one message per 3 s per number; more are refused.
export const SANDBOX_INTERVAL_MS = 3000;
const SLOT_LEASE_MS = 30_000;
// How long one job may wait in-process (conversation order, sandbox slot) before it re-queues itself.
const IN_JOB_WAIT_MS = 4000;

const settings = () => ({
  giveUpMs: Number(process.env.PARLEY_SEND_GIVE_UP_SECONDS ?? 300) * 1000,
  retryBaseSeconds: Number(process.env.PARLEY_SEND_RETRY_BASE_SECONDS ?? 1),
});

export async function enqueueSend(data: SendJobData, { startAfterSeconds }: { startAfterSeconds?: number } = {}): Promise<void> {
  await enqueueJob(SEND_MESSAGE_JOB, data, startAfterSeconds ? { startAfter: startAfterSeconds } : {});
}

/** The send of a message just stored by `tx`: queued iff `tx` commits. Then call `wakeSendWorker()`. */
export async function enqueueSendIn(tx: Db, data: SendJobData): Promise<void> {
  await enqueueJobIn(tx, SEND_MESSAGE_JOB, data);
}

export function wakeSendWorker(): void {
  wakeWorker(SEND_MESSAGE_JOB);
}

export const sendMessageJob = defineJob<SendJobData>({
  name: SEND_MESSAGE_JOB,
  concurrency: 5,
  // pg-boss retries only unexpected failures (database down); provider errors are handled below.
  queue: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  handler: (data) => deliverMessage(getDb(), data),
});

/** Hands one pending outbound message to its channel's provider, once. */
export async function deliverMessage(db: Db, data: SendJobData): Promise<void> {
  const attempt = data.attempt ?? 1;
  const firstAttemptAt = data.firstAttemptAt ? new Date(data.firstAttemptAt) : new Date();
  const later = (seconds: number) =>
    enqueueSend({ messageId: data.messageId, attempt, firstAttemptAt: firstAttemptAt.toISOString() }, { startAfterSeconds: seconds });

  const message = await getMessageById(db, { id: data.messageId });
  if (!message || message.status !== 'pending' || message.providerMessageId) return; // sent already, or gone
  const found = await getConversationWithContact(db, { id: message.conversationId });
  const channel = await getChannelById(db, { id: message.channelId });
  if (!found || !channel) return;
  if (!channel.active) {
    await failAndAnnounce(db, message, null, 'The channel was deactivated before the message went out.');
    return;
  }

  // Messages of one conversation leave in the order they were written.
  const started = Date.now();
  const { giveUpMs } = settings();
  while (
    (await countEarlierPendingMessages(db, {
      conversationId: message.conversationId,
      seq: message.seq,
      since: new Date(Date.now() - giveUpMs - 120_000),
    })) > 0
  ) {
    if (Date.now() - started > IN_JOB_WAIT_MS) return void (await later(1));
    await sleep(250);
  }

  let payload: OutboundMessage;
  try {
    payload = await buildPayload(db, message, channel, found.contact.phone);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await failAndAnnounce(db, message, null, err.message);
    return;
  }

  const sandbox = channel.environment === 'sandbox';
  if (sandbox) {
    for (;;) {
      const slot = await leaseSendSlot(db, { channelId: channel.id, intervalMs: SANDBOX_INTERVAL_MS, leaseMs: SLOT_LEASE_MS });
      if (slot.waitMs === 0) break;
      // Another send is in flight: its end starts the 3 s, so look again shortly.
      const waitMs = slot.inFlight ? 250 : slot.waitMs;
      if (Date.now() - started + waitMs > IN_JOB_WAIT_MS + SANDBOX_INTERVAL_MS) {
        return void (await later(Math.max(1, Math.ceil((slot.inFlight ? SANDBOX_INTERVAL_MS : waitMs) / 1000))));
      }
      await sleep(Math.min(waitMs, 1000));
    }
  }

  let result: Awaited<ReturnType<ReturnType<typeof providerFor>['sendMessage']>>;
  try {
    result = await providerFor(channel).sendMessage(payload);
  } catch (err) {
    await handleSendError(db, { message, err, attempt, firstAttemptAt });
    return;
  } finally {
    if (sandbox) await releaseSendSlot(db, { channelId: channel.id }).catch((err: unknown) => logger.warn({ err }, 'send slot release failed'));
  }

  let published: PublishedEvent[] = [];
  const stored = await db.transaction(async (tx) => {
    const row = await recordProviderMessageId(tx, { id: message.id, providerMessageId: result.providerMessageId });
    // The audience is read again: the chat may have been transferred while the request was out.
    const event = row ? await messageUpdatedEvent(tx, row) : null;
    if (event) published = await recordEvents(tx, [event]);
    return row;
  });
  publishEvents(published);
  if (!stored) {
    logger.warn({ messageId: message.id, sid: result.providerMessageId }, 'sent message was no longer pending');
    return;
  }
  const status = fromTwilioStatus(result.status);
  if (status && status !== 'queued') await advanceMessageStatus(db, { messageId: message.id, status });
  // A status callback may have beaten this response: it is waiting for the sid that just landed.
  await applyPendingStatusCallbacks(db, { channelId: channel.id, providerMessageId: result.providerMessageId });
}

async function buildPayload(db: Db, message: Message, channel: Channel, to: string): Promise<OutboundMessage> {
  const base = {
    from: channel.phoneNumber,
    to,
    statusCallbackUrl: `${getConfig().publicUrl}/api/webhooks/twilio/${channel.id}/status`,
  };
  if (message.kind === 'template') {
    const template = message.templateId ? await getTemplateById(db, { id: message.templateId }) : undefined;
    if (!template) throw new AppError('unprocessable:The template was deleted before the message went out.');
    return { ...base, template: { contentSid: template.contentSid, variables: message.templateVariables ?? {} } };
  }
  if (message.kind === 'media') {
    const [attachment] = await listAttachmentsForMessages(db, { messageIds: [message.id] });
    if (!attachment || attachment.status !== 'ready') throw new AppError('unprocessable:The attachment is missing.');
    return { ...base, body: message.body ?? undefined, mediaUrl: signedMediaUrl(attachment.id) };
  }
  return { ...base, body: message.body ?? '' };
}

async function handleSendError(
  db: Db,
  { message, err, attempt, firstAttemptAt }: { message: Message; err: unknown; attempt: number; firstAttemptAt: Date },
): Promise<void> {
  const { giveUpMs, retryBaseSeconds } = settings();
  if (err instanceof ProviderSendError) {
    const { code, httpStatus, retryable } = err.details;
    if (retryable && !(code && NON_RETRYABLE.has(code))) {
      const delay = Math.min(60, retryBaseSeconds * 2 ** (attempt - 1));
      if (Date.now() + delay * 1000 - firstAttemptAt.getTime() < giveUpMs) {
        logger.warn({ messageId: message.id, attempt, httpStatus, code, err: err.message }, 'send failed, will retry');
        await enqueueSend(
          { messageId: message.id, attempt: attempt + 1, firstAttemptAt: firstAttemptAt.toISOString() },
          { startAfterSeconds: delay },
        );
        return;
      }
      const minutes = Math.max(1, Math.round((Date.now() - firstAttemptAt.getTime()) / 60_000));
      await failAndAnnounce(
        db,
        message,
        code ?? null,
        `Twilio could not take the message after ${attempt} tries over about ${minutes} minute${minutes > 1 ? 's' : ''} (${
          httpStatus ? `HTTP ${httpStatus}` : 'not reachable'
        }). It was not sent: retry it.`,
      );
      return;
    }
    logger.info({ messageId: message.id, httpStatus, code, err: err.message }, 'send refused');
    await failAndAnnounce(db, message, code ?? null, readableReason(code, `Twilio refused the message: ${err.message}`)!);
    return;
  }
  if (err instanceof AppError) {
    await failAndAnnounce(db, message, null, err.message);
    return;
  }
  // A bug or a broken channel secret: retrying would not help, and the agent must not see "pending" forever.
  logger.error({ err, messageId: message.id }, 'send failed unexpectedly');
  await failAndAnnounce(db, message, null, 'Parley could not send this message (check the channel’s credentials), then retry it.');
}

async function failAndAnnounce(db: Db, message: Message, errorCode: string | null, errorReason: string): Promise<void> {
  let published: PublishedEvent[] = [];
  await db.transaction(async (tx) => {
    const failed = await failPendingMessage(tx, { id: message.id, errorCode, errorReason });
    const event = failed ? await messageUpdatedEvent(tx, failed) : null;
    if (event) published = await recordEvents(tx, [event]);
  });
  publishEvents(published);
}
