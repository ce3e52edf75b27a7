import type { Db } from '@/db/client';
import type { Message } from '@/db/schema';
import { getMessageByProviderId, updateMessageStatusFrom } from '@/db/queries/messages';
import { recordProviderMessageId } from '@/db/queries/outbound-messages';
import {
  insertStatusCallback,
  listPendingStatusCallbacks,
  markStatusCallbacksApplied,
} from '@/db/queries/status-callbacks';
import { verifyTwilioWebhook, type TwilioWebhookRequest } from '@/lib/channels/twilio-webhook';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents, recordEventsLast } from '@/lib/events/bus';
import type { PublishedEvent } from '@/lib/events/types';
import { readableReason } from './error-codes';
import { canAdvance, fromTwilioStatus, isTerminal, type MessageStatus } from './message-status';
import { messageUpdatedEvent } from './message-events';
import { isUuid } from '@/lib/ids';

const ALL_STATUSES: MessageStatus[] = ['received', 'pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'];

/** The statuses from which `next` is a step forward. */
function statusesBefore(next: MessageStatus): MessageStatus[] {
  return ALL_STATUSES.filter((s) => canAdvance(s, next));
}

export type AdvanceInput = {
  messageId: string;
  status: MessageStatus;
  errorCode?: string | null;
  errorReason?: string | null;
};

/**
 * Moves a message's status forward (queued < sent < delivered < read; failed/undelivered terminal)
 * with one conditional UPDATE, records and publishes `message.updated` when it changed.
 * Returns the updated message, or null when the step was not forward (nothing changed, no event).
 * Pass the root database (not a transaction): it commits before publishing.
 */
export async function advanceMessageStatus(db: Db, input: AdvanceInput): Promise<Message | null> {
  const done = await db.transaction(async (tx) => {
    const updated = await advanceInTx(tx, input);
    const event = updated ? await messageUpdatedEvent(tx, updated) : null;
    return { updated, ...(await recordEventsLast(tx, event ? [event] : [])) };
  });
  publishEvents(await done.recorded);
  return done.updated;
}

async function advanceInTx(tx: Db, input: AdvanceInput): Promise<Message | null> {
  const failing = isTerminal(input.status);
  const errorCode = input.errorCode ? String(input.errorCode) : null;
  return updateMessageStatusFrom(tx, {
    id: input.messageId,
    status: input.status,
    from: statusesBefore(input.status),
    // An error code belongs to a failure; a later success never carries one.
    ...(errorCode || failing
      ? { errorCode, errorReason: input.errorReason ?? readableReason(errorCode, failing ? 'The message could not be delivered.' : null) }
      : {}),
  });
}

export type StatusCallbackParams = Record<string, string>;

export type StatusCallbackResult = {
  /** The message the sid belongs to, as it is after the callback (undefined: sid not known yet). */
  message?: Message;
  /** Whether the message changed. */
  changed: boolean;
};

/**
 * A Twilio status callback: kept for audit (and for later, when the sid is not recorded yet: a
 * callback can beat the send's own response), then applied if it moves the message forward.
 */
export async function applyStatusCallback(
  db: Db,
  { channelId, params, messageId, attempt }: { channelId: string; params: StatusCallbackParams; messageId?: string | null; attempt?: number },
): Promise<StatusCallbackResult> {
  const providerMessageId = params.MessageSid ?? params.SmsSid ?? '';
  const statusText = params.MessageStatus ?? params.SmsStatus ?? '';
  const errorCode = params.ErrorCode && params.ErrorCode !== '0' ? params.ErrorCode : null;
  // Committed on its own first: if the message lookup below misses the sid, the send job that
  // records it afterwards is guaranteed to see this row (applyPendingStatusCallbacks).
  const callback = await insertStatusCallback(db, {
    channelId,
    providerMessageId,
    status: statusText,
    errorCode,
    raw: params,
  });
  const message =
    (await getMessageByProviderId(db, { channelId, providerMessageId })) ??
    (messageId && attempt ? await adoptProviderMessageId(db, { channelId, messageId, attempt, providerMessageId }) : undefined);
  if (!message) return { changed: false };
  const status = fromTwilioStatus(statusText);
  const updated = status
    ? await advanceMessageStatus(db, { messageId: message.id, status, errorCode, errorReason: null })
    : null;
  await markStatusCallbacksApplied(db, { ids: [callback.id] });
  return { message: updated ?? message, changed: !!updated };
}

/**
 * Applies callbacks that arrived before the sid was recorded. The outbound send job calls this
 * right after storing the sid Twilio returned. Returns the message if it changed, else null.
 */
export async function applyPendingStatusCallbacks(
  db: Db,
  { channelId, providerMessageId }: { channelId: string; providerMessageId: string },
): Promise<Message | null> {
  const pending = await listPendingStatusCallbacks(db, { channelId, providerMessageId });
  if (!pending.length) return null;
  const message = await getMessageByProviderId(db, { channelId, providerMessageId });
  if (!message) return null;
  let published: PublishedEvent[] = [];
  const changed = await db.transaction(async (tx) => {
    let last: Message | null = null;
    for (const cb of pending) {
      const status = fromTwilioStatus(cb.status);
      if (!status) continue;
      const row = await advanceInTx(tx, { messageId: message.id, status, errorCode: cb.errorCode });
      if (row) last = row;
    }
    await markStatusCallbacksApplied(tx, { ids: pending.map((p) => p.id) });
    if (last) {
      const event = await messageUpdatedEvent(tx, last);
      if (event) published = await recordEvents(tx, [event]);
    }
    return last;
  });
  publishEvents(published);
  return changed;
}

/**
 * A callback names the Parley message and attempt it is about (its StatusCallback URL carries them,
 * and Twilio signs that URL): a sid the send job never got to record (its worker died, the database
 * was away) is recorded from here, so the message leaves pending without waiting to be reconciled.
 * Only the message's latest attempt: a late callback of one before an agent's retry is not adopted.
 */
async function adoptProviderMessageId(
  db: Db,
  { channelId, messageId, attempt, providerMessageId }: { channelId: string; messageId: string; attempt: number; providerMessageId: string },
): Promise<Message | undefined> {
  if (!isUuid(messageId) || !providerMessageId) return undefined;
  let published: PublishedEvent[] = [];
  const adopted = await db.transaction(async (tx) => {
    const row = await recordProviderMessageId(tx, { id: messageId, channelId, attempt, providerMessageId });
    const event = row ? await messageUpdatedEvent(tx, row) : null;
    if (event) published = await recordEvents(tx, [event]);
    return row;
  });
  publishEvents(published);
  return adopted ?? undefined;
}

/** The status-callback webhook: 404 unknown channel, 403 bad signature, 400 without MessageSid/MessageStatus. */
export async function receiveStatusCallback(db: Db, request: TwilioWebhookRequest): Promise<StatusCallbackResult> {
  const channel = await verifyTwilioWebhook(db, request);
  const { params } = request;
  if (!(params.MessageSid ?? params.SmsSid) || !(params.MessageStatus ?? params.SmsStatus)) {
    throw new AppError('bad_request:MessageSid and MessageStatus are required.');
  }
  const query = new URL(request.url).searchParams;
  const attempt = Number(query.get('attempt'));
  return applyStatusCallback(db, {
    channelId: channel.id,
    params,
    messageId: query.get('messageId'),
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : undefined,
  });
}
