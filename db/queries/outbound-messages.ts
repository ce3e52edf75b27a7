import { and, eq, getTableColumns, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { rowsOf } from '../client';
import {
  attachments,
  channelSendSlots,
  conversations,
  messages,
  type Attachment,
  type Conversation,
  type Message,
} from '../schema';

export async function getMessageByClientId(
  db: Db,
  { conversationId, clientId }: { conversationId: string; clientId: string },
): Promise<Message | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.clientId, clientId)))
    .limit(1);
  return row;
}

/** Inserts an outbound message unless its (conversation, clientId) exists: null for a repeat. */
export async function insertOutboundMessage(db: Db, values: typeof messages.$inferInsert): Promise<Message | null> {
  const [row] = await db
    .insert(messages)
    .values(values)
    .onConflictDoNothing({ target: [messages.conversationId, messages.clientId] })
    .returning();
  return row ?? null;
}

/** Links an uploaded, unused attachment to its message: undefined when it is used already. */
export async function claimUploadedAttachment(
  db: Db,
  { id, messageId }: { id: string; messageId: string },
): Promise<Attachment | undefined> {
  const [row] = await db
    .update(attachments)
    .set({ messageId, updatedAt: sql`now()` })
    .where(and(eq(attachments.id, id), isNull(attachments.messageId)))
    .returning();
  return row;
}

/** After an agent's reply: activity time, and the first response time if there was none. */
export async function touchConversationAfterReply(db: Db, { id }: { id: string }): Promise<Conversation | undefined> {
  const [row] = await db
    .update(conversations)
    .set({
      lastMessageAt: sql`now()`,
      firstResponseAt: sql`coalesce(${conversations.firstResponseAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(eq(conversations.id, id))
    .returning();
  return row;
}

/** A failed send goes back to pending (sid and error cleared); null if it was not failed any more. */
export async function resetFailedMessage(db: Db, { id }: { id: string }): Promise<Message | null> {
  const [row] = await db
    .update(messages)
    .set({
      status: 'pending',
      errorCode: null,
      errorReason: null,
      providerMessageId: null,
      sendLeaseId: null,
      sendLeaseUntil: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(messages.id, id), inArray(messages.status, ['failed', 'undelivered'])))
    .returning();
  return row ?? null;
}

/** Stores the provider's id of a pending message and moves it to queued (its send is over); null if it was not pending. */
export async function recordProviderMessageId(
  db: Db,
  { id, providerMessageId, channelId, attempt }: { id: string; providerMessageId: string; channelId?: string; attempt?: number },
): Promise<Message | null> {
  const [row] = await db
    .update(messages)
    .set({ providerMessageId, status: 'queued', sendLeaseId: null, sendLeaseUntil: null, sendAttemptStartedAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(messages.id, id),
        channelId ? eq(messages.channelId, channelId) : undefined,
        attempt ? eq(messages.sendAttempts, attempt) : undefined,
        eq(messages.status, 'pending'),
        isNull(messages.providerMessageId),
      ),
    )
    .returning();
  return row ?? null;
}

/** A pending send gives up: failed with a code and a readable reason; null if it was not pending. */
export async function failPendingMessage(
  db: Db,
  {
    id,
    errorCode,
    errorReason,
    attemptSettled = true,
  }: { id: string; errorCode: string | null; errorReason: string; attemptSettled?: boolean },
): Promise<Message | null> {
  const [row] = await db
    .update(messages)
    .set({
      status: 'failed',
      errorCode,
      errorReason,
      sendLeaseId: null,
      sendLeaseUntil: null,
      // An attempt whose outcome is unknown stays marked: sending it again first asks the provider.
      ...(attemptSettled ? { sendAttemptStartedAt: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(messages.id, id), eq(messages.status, 'pending')))
    .returning();
  return row ?? null;
}

/**
 * Earlier outbound messages of the conversation still waiting for their first hand-over, oldest
 * first; `inHand`: a worker holds it, or it waits for a retry it was given (its lease runs).
 */
export async function listEarlierPendingMessages(
  db: Db,
  { conversationId, seq, since }: { conversationId: string; seq: number; since: Date },
): Promise<{ id: string; inHand: boolean }[]> {
  return db
    .select({ id: messages.id, inHand: sql<boolean>`coalesce(${messages.sendLeaseUntil} > now(), false)` })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.direction, 'outbound'),
        eq(messages.status, 'pending'),
        lt(messages.seq, seq),
        sql`${messages.updatedAt} > ${since.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(messages.seq);
}

/**
 * Leases the channel's send slot if its last send ended at least `intervalMs` ago: one statement,
 * so two processes never both win. The lease (a last_sent_at in the future) holds others off while
 * the request is in flight; releaseSendSlot stamps the real end. `waitMs` 0: leased.
 */
export async function leaseSendSlot(
  db: Db,
  { channelId, intervalMs, leaseMs }: { channelId: string; intervalMs: number; leaseMs: number },
): Promise<{ waitMs: number; inFlight: boolean }> {
  const leased = rowsOf<{ channel_id: string }>(
    await db.execute(sql`
      insert into ${channelSendSlots} (channel_id, last_sent_at)
      values (${channelId}, clock_timestamp() + ${leaseMs} * interval '1 millisecond')
      on conflict (channel_id) do update set last_sent_at = excluded.last_sent_at
      where ${channelSendSlots}.last_sent_at <= clock_timestamp() - ${intervalMs} * interval '1 millisecond'
      returning channel_id`),
  );
  if (leased.length) return { waitMs: 0, inFlight: false };
  const [row] = rowsOf<{ wait_ms: number | string; in_flight: boolean }>(
    await db.execute(sql`
      select extract(epoch from (last_sent_at + ${intervalMs} * interval '1 millisecond' - clock_timestamp())) * 1000 as wait_ms,
             last_sent_at > clock_timestamp() as in_flight
      from ${channelSendSlots} where channel_id = ${channelId}`),
  );
  return { waitMs: Math.max(1, Math.ceil(Number(row?.wait_ms ?? intervalMs))), inFlight: !!row?.in_flight };
}

/** The send through a leased slot is over (answered or not): the interval counts from now. */
export async function releaseSendSlot(db: Db, { channelId }: { channelId: string }): Promise<void> {
  await db.execute(sql`update ${channelSendSlots} set last_sent_at = clock_timestamp() where channel_id = ${channelId}`);
}

const leaseInterval = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/**
 * Takes the send of a pending message for `leaseMs` under a new lease id, unless another worker
 * (in any process) holds a live lease or the message is no longer pending: one conditional UPDATE,
 * so two workers never both win. The row returned carries the previous attempt's start, if its
 * outcome was never learned (a crash, a cut, a timeout): that attempt must be reconciled first;
 * `attemptAgeMs` is how long ago it started, by the database's clock.
 */
export async function claimSend(
  db: Db,
  { id, leaseId, leaseMs }: { id: string; leaseId: string; leaseMs: number },
): Promise<{ message: Message; attemptAgeMs: number | null } | null> {
  const [row] = await db
    .update(messages)
    .set({ sendLeaseId: leaseId, sendLeaseUntil: leaseInterval(leaseMs) })
    .where(
      and(
        eq(messages.id, id),
        eq(messages.status, 'pending'),
        isNull(messages.providerMessageId),
        or(isNull(messages.sendLeaseUntil), sql`${messages.sendLeaseUntil} <= now()`),
      ),
    )
    .returning({
      ...getTableColumns(messages),
      attemptAgeMs: sql<string | null>`extract(epoch from now() - ${messages.sendAttemptStartedAt}) * 1000`,
    });
  if (!row) return null;
  const { attemptAgeMs, ...message } = row;
  return { message, attemptAgeMs: attemptAgeMs === null ? null : Number(attemptAgeMs) };
}

/** Extends a lease this worker holds; false when it lost it (expired and taken, or the message left pending). */
export async function renewSendLease(db: Db, { id, leaseId, leaseMs }: { id: string; leaseId: string; leaseMs: number }): Promise<boolean> {
  const rows = await db
    .update(messages)
    .set({ sendLeaseUntil: leaseInterval(leaseMs) })
    .where(and(eq(messages.id, id), eq(messages.sendLeaseId, leaseId), eq(messages.status, 'pending')))
    .returning({ id: messages.id });
  return rows.length > 0;
}

/**
 * Marks an attempt started, committed before the provider is called: from now on nobody may send
 * this message again without first asking the provider whether this attempt went through.
 * Also renews the lease. False when the lease was lost (then do not call the provider).
 */
export async function markSendAttemptStarted(
  db: Db,
  { id, leaseId, leaseMs }: { id: string; leaseId: string; leaseMs: number },
): Promise<Date | null> {
  const [row] = await db
    .update(messages)
    .set({ sendAttemptStartedAt: sql`now()`, sendAttempts: sql`${messages.sendAttempts} + 1`, sendLeaseUntil: leaseInterval(leaseMs) })
    .where(and(eq(messages.id, id), eq(messages.sendLeaseId, leaseId), eq(messages.status, 'pending'), isNull(messages.providerMessageId)))
    .returning({ startedAt: messages.sendAttemptStartedAt });
  return row?.startedAt ?? null;
}

/**
 * Lets go of a send until `afterMs` from now (a retry, or waiting its turn): no other worker takes
 * it before then. `attemptSettled`: the last attempt is known not to have reached the provider
 * (it refused it), so the next one need not reconcile.
 */
export async function releaseSend(
  db: Db,
  { id, leaseId, afterMs, attemptSettled = false }: { id: string; leaseId: string; afterMs: number; attemptSettled?: boolean },
): Promise<void> {
  await db
    .update(messages)
    .set({
      sendLeaseId: null,
      sendLeaseUntil: leaseInterval(afterMs),
      ...(attemptSettled ? { sendAttemptStartedAt: null } : {}),
    })
    .where(and(eq(messages.id, id), eq(messages.sendLeaseId, leaseId)));
}

/** A reconciled attempt was not found at the provider: it did not go out. */
export async function settleSendAttempt(db: Db, { id, leaseId }: { id: string; leaseId: string }): Promise<void> {
  await db
    .update(messages)
    .set({ sendAttemptStartedAt: null })
    .where(and(eq(messages.id, id), eq(messages.sendLeaseId, leaseId)));
}

/**
 * Outbound messages nobody is working on: pending, not handed over, and either their lease ran out
 * `graceMs` ago (its worker died or lost the database) or they never had one and were written more
 * than `graceMs` ago (their job was lost or is stuck with a dead worker). Only those written in the
 * last `maxAgeMs`: a reply found pending days later (an old database) is not sent out of the blue.
 */
export async function listStrandedSends(
  db: Db,
  { graceMs, maxAgeMs, limit }: { graceMs: number; maxAgeMs: number; limit: number },
): Promise<{ id: string }[]> {
  const before = sql`now() - ${graceMs} * interval '1 millisecond'`;
  return db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.status, 'pending'),
        eq(messages.direction, 'outbound'),
        isNull(messages.providerMessageId),
        sql`${messages.createdAt} > now() - ${maxAgeMs} * interval '1 millisecond'`,
        or(
          sql`${messages.sendLeaseUntil} < ${before}`,
          and(isNull(messages.sendLeaseUntil), sql`${messages.updatedAt} < ${before}`),
        ),
      ),
    )
    .orderBy(messages.seq)
    .limit(limit);
}

/** Provider ids already recorded on other messages of the channel (a reconcile must not adopt those). */
export async function listKnownProviderIds(
  db: Db,
  { channelId, providerMessageIds, exceptId }: { channelId: string; providerMessageIds: string[]; exceptId: string },
): Promise<Set<string>> {
  if (!providerMessageIds.length) return new Set();
  const rows = await db
    .select({ sid: messages.providerMessageId })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), inArray(messages.providerMessageId, providerMessageIds), ne(messages.id, exceptId)));
  return new Set(rows.map((r) => r.sid!));
}
