import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '@/db/client';
import type { Channel, Message } from '@/db/schema';
import { getMessageById } from '@/db/queries/messages';
import { failPendingMessage, recordProviderMessageId } from '@/db/queries/outbound-messages';
import { ProviderSendError, type ChannelAdapter, type SendResult } from '@/lib/channels';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { PublishedEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';
import { messageUpdatedEvent } from './message-events';
import { advanceMessageStatus, applyPendingStatusCallbacks } from './statuses';

// With the provider's id in hand and the database away, keep trying to record it this long.
const RECORD_RETRY_MS = 60_000;

export const sendSettings = () => ({
  giveUpMs: Number(process.env.PARLEY_SEND_GIVE_UP_SECONDS ?? 300) * 1000,
  retryBaseSeconds: Number(process.env.PARLEY_SEND_RETRY_BASE_SECONDS ?? 1),
});

/** Lets go of the send and queues it again in `seconds`. */
export type Later = (seconds: number, opts?: { attemptSettled?: boolean; nextAttempt?: number }) => Promise<void>;

/**
 * Records the id the provider gave (or an earlier attempt's, found by reconciling). The id exists
 * only in this process's memory until it is stored: while the database is away, keep trying.
 */
export async function recordSent(db: Db, message: Message, channel: Channel, result: SendResult): Promise<void> {
  const deadline = Date.now() + RECORD_RETRY_MS;
  let stored: Message | null;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    try {
      stored = await storeProviderMessageId(db, message.id, result.providerMessageId);
      break;
    } catch (err) {
      if (isPermanentDatabaseError(err) || Date.now() + wait > deadline) {
        logger.error({ err, messageId: message.id, sid: result.providerMessageId }, 'sent, but the sid could not be recorded');
        throw err;
      }
      await sleep(wait);
    }
  }
  if (!stored) {
    const now = await getMessageById(db, { id: message.id });
    // Adopted meanwhile by a reconcile or a status report: the same message, fine.
    if (now?.providerMessageId !== result.providerMessageId) {
      logger.warn({ messageId: message.id, sid: result.providerMessageId }, 'sent message was no longer pending');
      return;
    }
  }
  if (result.status && result.status !== 'queued') await advanceMessageStatus(db, { messageId: message.id, status: result.status });
  // A status report may have beaten this response: it is waiting for the id that just landed.
  await applyPendingStatusCallbacks(db, { channel, providerMessageId: result.providerMessageId });
}

/** A data, constraint or statement error: repeating the same write would fail the same way. */
function isPermanentDatabaseError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  return false;
}

async function storeProviderMessageId(db: Db, id: string, providerMessageId: string): Promise<Message | null> {
  let published: PublishedEvent[] = [];
  const stored = await db.transaction(async (tx) => {
    const row = await recordProviderMessageId(tx, { id, providerMessageId });
    // The audience is read again: the chat may have been transferred while the request was out.
    const event = row ? await messageUpdatedEvent(tx, row) : null;
    if (event) published = await recordEvents(tx, [event]);
    return row;
  });
  publishEvents(published);
  return stored;
}

/** A send that threw: retried later (with backoff, within the give-up time) when it may heal, else failed with a reason. */
export async function handleSendError(
  db: Db,
  {
    adapter,
    message,
    err,
    attempt,
    firstAttemptAt,
    later,
  }: { adapter: Pick<ChannelAdapter, 'displayName'>; message: Message; err: unknown; attempt: number; firstAttemptAt: Date; later: Later },
): Promise<void> {
  const { giveUpMs, retryBaseSeconds } = sendSettings();
  if (err instanceof ProviderSendError) {
    const { code, httpStatus, retryable, reason } = err.details;
    // An error answer (429 and 5xx too) means the provider did not take the message. No answer (a
    // reset, a timeout) leaves it unknown: the next attempt asks the provider first.
    const settled = httpStatus !== undefined;
    if (retryable) {
      const delay = Math.min(60, retryBaseSeconds * 2 ** (attempt - 1));
      if (Date.now() + delay * 1000 - firstAttemptAt.getTime() < giveUpMs) {
        logger.warn({ messageId: message.id, attempt, httpStatus, code, err: err.message }, 'send failed, will retry');
        await later(delay, { attemptSettled: settled, nextAttempt: attempt + 1 });
        return;
      }
      const minutes = Math.max(1, Math.round((Date.now() - firstAttemptAt.getTime()) / 60_000));
      await failAndAnnounce(
        db,
        message,
        code ?? null,
        `${adapter.displayName} could not take the message after ${attempt} tries over about ${minutes} minute${minutes > 1 ? 's' : ''} (${
          httpStatus ? `HTTP ${httpStatus}` : 'not reachable'
        }). It was not sent: retry it.`,
        settled,
      );
      return;
    }
    logger.info({ messageId: message.id, httpStatus, code, err: err.message }, 'send refused');
    await failAndAnnounce(db, message, code ?? null, reason, settled);
    return;
  }
  if (err instanceof AppError) {
    await failAndAnnounce(db, message, null, err.message, true);
    return;
  }
  // A bug or a broken channel secret: retrying would not help, and the agent must not see "pending" forever.
  logger.error({ err, messageId: message.id }, 'send failed unexpectedly');
  await failAndAnnounce(db, message, null, 'Parley could not send this message (check the channel’s credentials), then retry it.', true);
}

/** `attemptSettled`: the last attempt surely did not reach the provider (else a retry asks it first). */
export async function failAndAnnounce(db: Db, message: Message, errorCode: string | null, errorReason: string, attemptSettled = true): Promise<void> {
  let published: PublishedEvent[] = [];
  await db.transaction(async (tx) => {
    const failed = await failPendingMessage(tx, { id: message.id, errorCode, errorReason, attemptSettled });
    const event = failed ? await messageUpdatedEvent(tx, failed) : null;
    if (event) published = await recordEvents(tx, [event]);
  });
  publishEvents(published);
}
