import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { getDb, type Db } from '@/db/client';
import type { Message } from '@/db/schema';
import { getChannelById } from '@/db/queries/channels';
import { getConversationWithContact } from '@/db/queries/conversations';
import {
  claimSend,
  leaseSendSlot,
  listEarlierPendingMessages,
  listStrandedSends,
  markSendAttemptStarted,
  releaseSend,
  releaseSendSlot,
  renewSendLease,
  settleSendAttempt,
} from '@/db/queries/outbound-messages';
import { adapterFor, type ChannelAdapter, type OutboundMessage, type SendResult } from '@/lib/channels';
import { AppError } from '@/lib/errors';
import { defineJob, defineTicker, enqueueJob, enqueueJobIn, wakeWorker } from '@/lib/jobs/boss';
import { logger } from '@/lib/logger';
import { buildOutboundMessage, findEarlierAttempt } from './send-payload';
import { failAndAnnounce, handleSendError, recordSent, sendSettings, type Later } from './send-outcome';

export const SEND_MESSAGE_JOB = 'message.send';

export type SendJobData = { messageId: string; attempt?: number; firstAttemptAt?: string };

// A sandbox slot is held while its request is out: a dead worker's hold ends this long after the call's timeout.
const SLOT_LEASE_MARGIN_MS = 2000;
// How long one job may wait in-process (conversation order, sandbox slot) before it re-queues itself.
const IN_JOB_WAIT_MS = 4000;
// A worker holds a message's send for SEND_LEASE_MS and renews it every SEND_RENEW_MS while it works:
// a worker that dies (SIGKILL, power) lets go within SEND_LEASE_MS, one that lives keeps it however
// long the provider takes (up to its timeout).
const SEND_LEASE_MS = 6000;
const SEND_RENEW_MS = 2000;
// How long after its start an attempt's call has surely ended (beyond the SDK's timeout).
const SETTLE_MARGIN_MS = 2000;
// The sweeper: how often, and how long past its lease (or its writing) a send counts as stranded.
const SWEEP_INTERVAL_MS = 2000;
const SWEEP_GRACE_MS = 2000;
// WhatsApp's customer-service window: a reply older than that is not picked up by the sweeper.
const SWEEP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

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
  const { giveUpMs } = sendSettings();
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
  let adapter: ChannelAdapter;
  try {
    adapter = adapterFor(channel.provider);
    payload = await buildOutboundMessage(db, message, channel, found.contact.phone);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await failAndAnnounce(db, message, null, err.message);
    return;
  }

  // An earlier attempt whose outcome was never learned (its worker died, the database went away,
  // the provider did not answer): providers take no idempotency key, so ask whether that attempt went out.
  if (message.sendAttemptStartedAt) {
    let earlier: SendResult | undefined;
    try {
      earlier = await findEarlierAttempt(db, { adapter, channel, message, payload });
    } catch (err) {
      // Not knowing is no reason to send twice: ask again later, and in the end tell the agent.
      if (Date.now() - firstAttemptAt.getTime() > giveUpMs) {
        const reason = `${adapter.displayName} could not be asked whether this message went out. It may have been sent: check before retrying it.`;
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
    // Not there (yet): a call made at most sendTimeoutMs ago may still be on its way in (its
    // worker lost the database, not its life). Only once that call has surely ended is "not found" an answer.
    const settlesInMs = adapter.sendTimeoutMs + SETTLE_MARGIN_MS - (attemptAgeMs ?? Infinity);
    if (settlesInMs > 0) return void (await later(Math.ceil(settlesInMs / 1000)));
    await settleSendAttempt(db, { id: message.id, leaseId: lease.id });
  }

  // A provider's sandbox takes one message per interval per number: more would be refused.
  const interval = channel.environment === 'sandbox' ? adapter.sandboxSendIntervalMs : undefined;
  const sandbox = interval !== undefined;
  if (sandbox) {
    const leaseMs = adapter.sendTimeoutMs + SLOT_LEASE_MARGIN_MS;
    for (;;) {
      const slot = await leaseSendSlot(db, { channelId: channel.id, intervalMs: interval, leaseMs });
      if (slot.waitMs === 0) break;
      // Another send is in flight: its end starts the interval, so look again shortly.
      const waitMs = slot.inFlight ? 250 : slot.waitMs;
      if (Date.now() - started + waitMs > IN_JOB_WAIT_MS + interval) {
        return void (await later(Math.max(1, Math.ceil((slot.inFlight ? interval : waitMs) / 1000))));
      }
      await sleep(Math.min(waitMs, 1000));
    }
  }

  let result: SendResult;
  try {
    // Committed before the call: whoever finds this message pending later knows to ask the provider first.
    const marked = !lease.lost && (await markSendAttemptStarted(db, { id: message.id, leaseId: lease.id, leaseMs: SEND_LEASE_MS }));
    if (!marked) return; // another worker took the send meanwhile
    result = await adapter.send(channel, payload);
  } catch (err) {
    await handleSendError(db, { adapter, message, err, attempt, firstAttemptAt, later });
    return;
  } finally {
    if (sandbox) await releaseSendSlot(db, { channelId: channel.id }).catch((err: unknown) => logger.warn({ err }, 'send slot release failed'));
  }
  await recordSent(db, message, channel, result);
}

