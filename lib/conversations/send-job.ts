import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { getDb, type Db } from '@/db/client';
import type { Channel, Message } from '@/db/schema';
import { listAttachmentsForMessages } from '@/db/queries/attachments';
import { getChannelById } from '@/db/queries/channels';
import { getConversationWithContact } from '@/db/queries/conversations';
import { getMessageById } from '@/db/queries/messages';
import {
  claimSend,
  failPendingMessage,
  leaseSendSlot,
  listEarlierPendingMessages,
  listKnownProviderIds,
  listStrandedSends,
  markSendAttemptStarted,
  recordProviderMessageId,
  releaseSend,
  releaseSendSlot,
  renewSendLease,
  settleSendAttempt,
} from '@/db/queries/outbound-messages';
import { getTemplateById } from '@/db/queries/templates';
import { providerFor, ProviderSendError, type OutboundMessage, type SendResult } from '@/lib/channels/provider';
import { MESSAGES_TIMEOUT_MS } from '@/lib/channels/twilio-client';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { PublishedEvent } from '@/lib/events/types';
import { defineJob, defineTicker, enqueueJob, enqueueJobIn, wakeWorker } from '@/lib/jobs/boss';
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
// A sandbox slot is held while its request is out: a dead worker's hold ends after the call's timeout.
const SLOT_LEASE_MS = MESSAGES_TIMEOUT_MS + 2000;
// How long one job may wait in-process (conversation order, sandbox slot) before it re-queues itself.
const IN_JOB_WAIT_MS = 4000;
// A worker holds a message's send for SEND_LEASE_MS and renews it every SEND_RENEW_MS while it works:
// a worker that dies (SIGKILL, power) lets go within SEND_LEASE_MS, one that lives keeps it however
// long Twilio takes (up to its timeout).
const SEND_LEASE_MS = 6000;
const SEND_RENEW_MS = 2000;
// With Twilio's sid in hand and the database away, keep trying to record it this long.
const RECORD_RETRY_MS = 60_000;
// How long after its start an attempt's call has surely ended (beyond the SDK's timeout).
const SETTLE_MARGIN_MS = 2000;
// Twilio's clock and ours: an earlier attempt is looked for from this long before it started.
const RECONCILE_SKEW_MS = 120_000;
// The sweeper: how often, and how long past its lease (or its writing) a send counts as stranded.
const SWEEP_INTERVAL_MS = 2000;
const SWEEP_GRACE_MS = 2000;
// WhatsApp's customer-service window: a reply older than that is not picked up by the sweeper.
const SWEEP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const settings = () => ({
  giveUpMs: Number(process.env.PARLEY_SEND_GIVE_UP_SECONDS ?? 300) * 1000,
  retryBaseSeconds: Number(process.env.PARLEY_SEND_RETRY_BASE_SECONDS ?? 1),
});

export async function enqueueSend(
  data: SendJobData,
  { startAfterSeconds, singletonKey }: { startAfterSeconds?: number; singletonKey?: string } = {},
): Promise<void> {
  await enqueueJob(SEND_MESSAGE_JOB, data, {
    ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}),
    ...(singletonKey ? { singletonKey, singletonSeconds: 5 } : {}),
  });
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
  // The message row decides who sends (its lease), so a job pg-boss gives up on or runs twice
  // changes nothing: the expiry only bounds how long pg-boss itself waits on a dead worker.
  queue: { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 30 },
  handler: (data) => deliverMessage(getDb(), data),
});

/**
 * Every SWEEP_INTERVAL_MS, in every process: pending replies nobody works on (their worker died or
 * lost the database, their job was lost) get a job again. A stale or duplicate job finds the
 * message sent or leased and does nothing.
 */
export const sendSweeper = defineTicker({
  name: 'message.send.sweep',
  intervalMs: SWEEP_INTERVAL_MS,
  run: async () => {
    const stranded = await listStrandedSends(getDb(), { graceMs: SWEEP_GRACE_MS, maxAgeMs: SWEEP_MAX_AGE_MS, limit: 200 });
    for (const { id } of stranded) await enqueueSend({ messageId: id }, { singletonKey: `sweep:${id}` });
    if (stranded.length) logger.info({ count: stranded.length }, 'stranded sends queued again');
  },
});

type Lease = { id: string; lost: boolean; stop: () => void };
/** Lets go of the send and queues it again in `seconds`. */
type Later = (seconds: number, opts?: { attemptSettled?: boolean; nextAttempt?: number }) => Promise<void>;

/** Renews the send lease while the worker works; `lost` once another worker may have taken it. */
function holdLease(db: Db, messageId: string, leaseId: string): Lease {
  const lease: Lease = { id: leaseId, lost: false, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    renewSendLease(db, { id: messageId, leaseId, leaseMs: SEND_LEASE_MS }).then(
      (held) => void (held || (lease.lost = true)),
      // The database is away: nobody else can take the lease meanwhile either.
      () => {},
    );
  }, SEND_RENEW_MS);
  timer.unref();
  return lease;
}

/** Hands one pending outbound message to its channel's provider, once. */
export async function deliverMessage(db: Db, data: SendJobData): Promise<void> {
  const leaseId = randomUUID();
  // The send is this worker's, in any process, or nobody's: taken before anything else is done.
  const claimed = await claimSend(db, { id: data.messageId, leaseId, leaseMs: SEND_LEASE_MS });
  if (!claimed) return; // sent already, gone, or another worker has it
  const { message, attemptAgeMs } = claimed;
  const lease = holdLease(db, message.id, leaseId);
  try {
    await deliverClaimed(db, data, message, attemptAgeMs, lease);
  } catch (err) {
    // Let another job take it at once (pg-boss retries this one; the sweeper backs it up).
    await releaseSend(db, { id: message.id, leaseId, afterMs: 0 }).catch(() => {});
    throw err;
  } finally {
    lease.stop();
  }
}

async function deliverClaimed(db: Db, data: SendJobData, message: Message, attemptAgeMs: number | null, lease: Lease): Promise<void> {
  const attempt = data.attempt ?? 1;
  const firstAttemptAt = data.firstAttemptAt ? new Date(data.firstAttemptAt) : new Date();
  const later: Later = async (seconds, { attemptSettled = false, nextAttempt = attempt } = {}) => {
    await releaseSend(db, { id: message.id, leaseId: lease.id, afterMs: seconds * 1000, attemptSettled });
    await enqueueSend({ messageId: message.id, attempt: nextAttempt, firstAttemptAt: firstAttemptAt.toISOString() }, { startAfterSeconds: seconds });
  };

  const found = await getConversationWithContact(db, { id: message.conversationId });
  const channel = await getChannelById(db, { id: message.channelId });
  if (!found || !channel) return;
  if (!channel.active) {
    await failAndAnnounce(db, message, null, 'The channel was deactivated before the message went out.');
    return;
  }

  // Messages of one conversation leave in the order they were written. An earlier one nobody is
  // working on (its worker died, its job is still queued behind others) is sent from here first,
  // rather than left to hold this worker up.
  const started = Date.now();
  const { giveUpMs } = settings();
  const helped = new Set<string>();
  for (;;) {
    const earlier = await listEarlierPendingMessages(db, {
      conversationId: message.conversationId,
      seq: message.seq,
      since: new Date(Date.now() - giveUpMs - 120_000),
    });
    if (!earlier.length) break;
    const idle = earlier.find((e) => !e.inHand && !helped.has(e.id));
    if (idle) {
      helped.add(idle.id);
      await deliverMessage(db, { messageId: idle.id });
      continue;
    }
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
  const provider = providerFor(channel);

  // An earlier attempt whose outcome was never learned (its worker died, the database went away,
  // Twilio did not answer): Twilio has no idempotency key, so ask it whether that attempt went out.
  if (message.sendAttemptStartedAt) {
    let earlier: SendResult | undefined;
    try {
      earlier = await findEarlierAttempt(db, provider, message, payload);
    } catch (err) {
      // Not knowing is no reason to send twice: ask again later, and in the end tell the agent.
      if (Date.now() - firstAttemptAt.getTime() > giveUpMs) {
        const reason = 'Twilio could not be asked whether this message went out. It may have been sent: check before retrying it.';
        return void (await failAndAnnounce(db, message, null, reason, false));
      }
      logger.warn({ messageId: message.id, err: (err as Error).message }, 'could not reconcile an earlier send attempt, will retry');
      return void (await later(Math.min(30, 2 ** (attempt - 1)), { nextAttempt: attempt + 1 }));
    }
    if (earlier) {
      logger.info({ messageId: message.id, sid: earlier.providerMessageId }, 'earlier send attempt found at the provider: adopted');
      await recordSent(db, message, channel, earlier);
      return;
    }
    // Not there (yet): a call made at most MESSAGES_TIMEOUT_MS ago may still be on its way in (its
    // worker lost the database, not its life). Only once that call has surely ended is "not found" an answer.
    const settlesInMs = MESSAGES_TIMEOUT_MS + SETTLE_MARGIN_MS - (attemptAgeMs ?? Infinity);
    if (settlesInMs > 0) return void (await later(Math.ceil(settlesInMs / 1000)));
    await settleSendAttempt(db, { id: message.id, leaseId: lease.id });
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

  let result: SendResult;
  try {
    // Committed before the call: whoever finds this message pending later knows to ask Twilio first.
    const marked = !lease.lost && (await markSendAttemptStarted(db, { id: message.id, leaseId: lease.id, leaseMs: SEND_LEASE_MS }));
    if (!marked) return; // another worker took the send meanwhile
    result = await provider.sendMessage(payload);
  } catch (err) {
    await handleSendError(db, { message, err, attempt, firstAttemptAt, later });
    return;
  } finally {
    if (sandbox) await releaseSendSlot(db, { channelId: channel.id }).catch((err: unknown) => logger.warn({ err }, 'send slot release failed'));
  }
  await recordSent(db, message, channel, result);
}

/** The oldest message at the provider that an earlier attempt of this one would be, not recorded on another message. */
async function findEarlierAttempt(
  db: Db,
  provider: ReturnType<typeof providerFor>,
  message: Message,
  payload: OutboundMessage,
): Promise<SendResult | undefined> {
  const candidates = await provider.findSentMessages({
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

/**
 * Records the sid Twilio gave (or an earlier attempt's, found by reconciling). The sid exists only
 * in this process's memory until it is stored: while the database is away, keep trying.
 */
async function recordSent(db: Db, message: Message, channel: Channel, result: SendResult): Promise<void> {
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
    // Adopted meanwhile by a reconcile or a status callback: the same message, fine.
    if (now?.providerMessageId !== result.providerMessageId) {
      logger.warn({ messageId: message.id, sid: result.providerMessageId }, 'sent message was no longer pending');
      return;
    }
  }
  const status = fromTwilioStatus(result.status);
  if (status && status !== 'queued') await advanceMessageStatus(db, { messageId: message.id, status });
  // A status callback may have beaten this response: it is waiting for the sid that just landed.
  await applyPendingStatusCallbacks(db, { channelId: channel.id, providerMessageId: result.providerMessageId });
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

async function buildPayload(db: Db, message: Message, channel: Channel, to: string): Promise<OutboundMessage> {
  const base = {
    from: channel.phoneNumber,
    to,
    // The message's id and this attempt's number ride in the callback URL (Twilio signs it with the
    // rest): a callback for a sid this job could not record still finds its message, and one of an
    // attempt before an agent's retry does not take over the retry.
    statusCallbackUrl: `${getConfig().publicUrl}/api/webhooks/twilio/${channel.id}/status?messageId=${message.id}&attempt=${message.sendAttempts + 1}`,
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
  {
    message,
    err,
    attempt,
    firstAttemptAt,
    later,
  }: { message: Message; err: unknown; attempt: number; firstAttemptAt: Date; later: Later },
): Promise<void> {
  const { giveUpMs, retryBaseSeconds } = settings();
  if (err instanceof ProviderSendError) {
    const { code, httpStatus, retryable } = err.details;
    // An error answer (429 and 5xx too) means Twilio did not take the message. No answer (a reset,
    // a timeout) leaves it unknown: the next attempt asks Twilio first.
    const settled = httpStatus !== undefined;
    if (retryable && !(code && NON_RETRYABLE.has(code))) {
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
        `Twilio could not take the message after ${attempt} tries over about ${minutes} minute${minutes > 1 ? 's' : ''} (${
          httpStatus ? `HTTP ${httpStatus}` : 'not reachable'
        }). It was not sent: retry it.`,
        settled,
      );
      return;
    }
    logger.info({ messageId: message.id, httpStatus, code, err: err.message }, 'send refused');
    await failAndAnnounce(db, message, code ?? null, readableReason(code, `Twilio refused the message: ${err.message}`)!, settled);
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
async function failAndAnnounce(db: Db, message: Message, errorCode: string | null, errorReason: string, attemptSettled = true): Promise<void> {
  let published: PublishedEvent[] = [];
  await db.transaction(async (tx) => {
    const failed = await failPendingMessage(tx, { id: message.id, errorCode, errorReason, attemptSettled });
    const event = failed ? await messageUpdatedEvent(tx, failed) : null;
    if (event) published = await recordEvents(tx, [event]);
  });
  publishEvents(published);
}
