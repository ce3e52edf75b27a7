import type { Db } from '@/db/client';
import type { Attachment, Channel, Contact, Conversation, Message } from '@/db/schema';
import { fileInboundMessages, messagesTableIsGrown } from '@/db/queries/inbound';
import { insertAttachments } from '@/db/queries/attachments';
import type { InboundMessage } from '@/lib/channels';
import { publishEvents, recordEventsLast } from '@/lib/events/bus';
import type { DomainEvent } from '@/lib/events/types';
import { isDatabaseDown, onceMoreIfDatabaseDown } from '@/lib/errors';
import { isUniqueViolation } from '@/lib/http/db-errors';
import { enqueueMediaDownloadsIn, wakeMediaWorker } from '@/lib/media/download';
import { toConversationDto, toMessageDto } from './dto';
import { toInboundRow } from './inbound-row';
import { conversationAudience } from './message-events';

export type IngestResult =
  | { duplicate: true }
  | { duplicate: false; message: Message; conversation: Conversation; contact: Contact; created: boolean; attachments: Attachment[] };

/**
 * Messages customers sent, as a channel's adapter read them out of a verified webhook: each is filed
 * (contact, open conversation, message, attachments, events), one result per message, in order. A
 * retried or duplicated webhook (same provider message id on the channel) changes nothing and emits nothing.
 */
export async function receiveInboundMessages(
  db: Db,
  { channel, messages }: { channel: Channel; messages: InboundMessage[] },
): Promise<IngestResult[]> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new IngestBatcher(db)));
  const b = batcher;
  return Promise.all(messages.map((inbound) => b.submit({ channel, inbound })));
}

type Inbound = { channel: Channel; inbound: InboundMessage };
type Pending = Inbound & { resolve: (r: IngestResult) => void; reject: (err: unknown) => void };

/** Webhooks filed per transaction at most, and transactions in flight at once per process. */
const MAX_BATCH = 200;
const MAX_IN_FLIGHT = 3;

/**
 * Group commit: a webhook that arrives while MAX_IN_FLIGHT transactions are already filing waits
 * for the next one and is filed together with every other webhook that arrived meanwhile. An idle
 * server files each webhook at once on its own; a busy one pays one transaction (a handful of round
 * trips and one commit) per batch instead of per message, which is what lets it keep up.
 * Each webhook still answers only once its own message is committed.
 */
class IngestBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly planCache = new PlanCachePolicy();

  constructor(private readonly db: Db) {}

  submit(item: Inbound): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const cachePlan = this.planCache.allowed(this.db);
    try {
      const results = await fileBatchOnceMore(this.db, batch, cachePlan);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      // Unreachable database: every webhook gets its 5xx now (the provider retries), no third attempt each.
      if (batch.length === 1 || isDatabaseDown(err)) return batch.forEach((p) => p.reject(err));
      // One bad webhook must not fail the others: file each on its own.
      await Promise.all(
        batch.map((p) =>
          fileBatch(this.db, [p], cachePlan).then(
            ([r]) => p.resolve(r!),
            (e: unknown) => p.reject(e),
          ),
        ),
      );
    }
  }
}

const batchers = new WeakMap<Db, IngestBatcher>();

/**
 * A connection cut under a transaction (a database restart or failover, a backend terminated, a
 * proxy's idle reset) fails only that transaction: the batch is filed once more, on another
 * connection, after a pause, before its webhooks are answered 5xx. Safe: filing is idempotent per
 * provider message id, so a batch whose COMMIT went through before the cut comes back as duplicates.
 */
function fileBatchOnceMore(db: Db, batch: Inbound[], cachePlan: boolean): Promise<IngestResult[]> {
  return onceMoreIfDatabaseDown(() => fileBatch(db, batch, cachePlan));
}

/**
 * Whether the filing statement's plan may be cached (fileInboundMessages says why not while the
 * messages table is small). Asked at most every 5 s, in the background, until it is yes: a table
 * does not shrink back to a few rows in normal use.
 */
class PlanCachePolicy {
  private grown = false;
  private askedAt = -Infinity;

  allowed(db: Db): boolean {
    if (!this.grown && Date.now() - this.askedAt > 5_000) {
      this.askedAt = Date.now();
      messagesTableIsGrown(db).then(
        (grown) => void (this.grown = grown),
        () => {}, // asked again in 5 s
      );
    }
    return this.grown;
  }
}

/** Files a batch in one transaction (contacts, conversations, messages, attachments, events), then publishes. */
async function fileBatch(db: Db, batch: Inbound[], cachePlan: boolean): Promise<IngestResult[]> {
  const rows = batch.map(({ channel, inbound }) => toInboundRow(channel, inbound));

  // Two first messages of a new customer can race on the contact's wa_id (ON CONFLICT arbitrates
  // the phone only): the loser retries once the winner has committed and finds the contact.
  const { results, published } = await retryOnUniqueRace(async () => {
    const done = await db.transaction(async (tx) => {
      const filed = await fileInboundMessages(tx, rows, { cachePlan });
      const media = filed.flatMap((f, i) =>
        f.message
          ? batch[i]!.inbound.media.map((m, position) => ({ messageId: f.message.id, position, contentType: m.contentType, sourceUrl: m.ref, status: 'pending' as const }))
          : [],
      );
      const attachments = await insertAttachments(tx, media);
      // The webhook never downloads media itself: jobs do, with retries (a provider may 404 for a moment).
      await enqueueMediaDownloadsIn(tx, attachments.map((a) => a.id));
      const events: DomainEvent[] = [];
      const announced = new Set<string>();
      const out: IngestResult[] = filed.map((f) => {
        if (!f.message) return { duplicate: true };
        const { message, conversation, contact, created } = f;
        const own = attachments.filter((a) => a.messageId === message.id);
        if (created && !announced.has(conversation.id)) {
          announced.add(conversation.id);
          events.push({
            type: 'conversation.created',
            audience: { queueId: conversation.queueId, conversationId: conversation.id, toQueue: true },
            data: { conversation: toConversationDto(conversation, contact) },
          });
        }
        events.push({
          type: 'message.created',
          audience: conversationAudience(conversation),
          data: { conversationId: conversation.id, message: toMessageDto(message, own) },
        });
        return { duplicate: false, message, conversation, contact, created, attachments: own };
      });
      return { out, ...(await recordEventsLast(tx, events)) };
    });
    return { results: done.out, published: await done.recorded };
  });

  publishEvents(published);
  if (results.some((r) => !r.duplicate && r.attachments.length)) wakeMediaWorker();
  return results;
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
