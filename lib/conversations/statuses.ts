import type { Db } from '@/db/client';
import type { Message } from '@/db/schema';
import { getMessageByProviderId, updateMessageStatusFrom } from '@/db/queries/messages';
import { recordProviderMessageId } from '@/db/queries/outbound-messages';
import {
  insertStatusCallback,
  listPendingStatusCallbacks,
  markStatusCallbacksApplied,
} from '@/db/queries/status-callbacks';
import type { Channel } from '@/db/schema';
import { adapterFor, type StatusUpdate } from '@/lib/channels';
import { publishEvents, recordEvents, recordEventsLast } from '@/lib/events/bus';
import type { PublishedEvent } from '@/lib/events/types';
import { canAdvance, isTerminal, type MessageStatus } from './message-status';
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
      ? {
          errorCode,
          errorReason:
            input.errorReason ?? (failing ? 'The message could not be delivered.' : `Delivery failed (error ${errorCode}).`),
        }
      : {}),
  });
}

export type StatusUpdateResult = {
  /** The message the update is about, as it is after it (undefined: its provider id is not known yet). */
  message?: Message;
  /** Whether the message changed. */
  changed: boolean;
};

const isMessageStatus = (value: string): value is MessageStatus => (ALL_STATUSES as string[]).includes(value);

/**
 * Delivery reports from a channel's provider, in the order received: each is kept for audit (and for
 * later, when the provider id is not recorded yet: a report can beat the send's own response), then
 * applied if it moves its message forward.
 */
export async function applyStatusUpdates(
  db: Db,
  { channel, statuses }: { channel: Channel; statuses: StatusUpdate[] },
): Promise<StatusUpdateResult[]> {
  const out: StatusUpdateResult[] = [];
  for (const update of statuses) out.push(await applyStatusUpdate(db, channel.id, update));
  return out;
}

async function applyStatusUpdate(db: Db, channelId: string, update: StatusUpdate): Promise<StatusUpdateResult> {
  const { providerMessageId, status, errorCode, sentAs } = update;
  // Committed on its own first: if the message lookup below misses the id, the send job that
  // records it afterwards is guaranteed to see this row (applyPendingStatusCallbacks). Parley's
  // status is kept when there is one (applied from this row later), else the provider's word.
  const callback = await insertStatusCallback(db, {
    channelId,
    providerMessageId,
    status: status ?? update.providerStatus,
    errorCode,
    raw: update.raw,
  });
  const message =
    (await getMessageByProviderId(db, { channelId, providerMessageId })) ??
    (sentAs ? await adoptProviderMessageId(db, { channelId, ...sentAs, providerMessageId }) : undefined);
  if (!message) return { changed: false };
  const updated = status
    ? await advanceMessageStatus(db, { messageId: message.id, status, errorCode, errorReason: update.errorReason })
    : null;
  await markStatusCallbacksApplied(db, { ids: [callback.id] });
  return { message: updated ?? message, changed: !!updated };
}

/**
 * Applies status reports that arrived before the provider id was recorded. The outbound send job
 * calls this right after storing the id the provider returned. Returns the message if it changed, else null.
 */
export async function applyPendingStatusCallbacks(
  db: Db,
  { channel, providerMessageId }: { channel: Pick<Channel, 'id' | 'provider'>; providerMessageId: string },
): Promise<Message | null> {
  const channelId = channel.id;
  const pending = await listPendingStatusCallbacks(db, { channelId, providerMessageId });
  if (!pending.length) return null;
  const message = await getMessageByProviderId(db, { channelId, providerMessageId });
  if (!message) return null;
  let published: PublishedEvent[] = [];
  const changed = await db.transaction(async (tx) => {
    let last: Message | null = null;
    for (const cb of pending) {
      if (!isMessageStatus(cb.status)) continue;
      const errorReason = cb.errorCode ? adapterFor(channel.provider).describeError(cb.errorCode) : null;
      const row = await advanceInTx(tx, { messageId: message.id, status: cb.status, errorCode: cb.errorCode, errorReason });
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
 * A report names the Parley message and attempt it is about (the send gave them to the provider,
 * which echoes them signed): a provider id the send job never got to record (its worker died, the
 * database was away) is recorded from here, so the message leaves pending without waiting to be
 * reconciled. Only the message's latest attempt: a late report of one before an agent's retry is not adopted.
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
