import { getDb } from '@/db/client';
import { listLeastBusyQueueIds } from '@/db/queries/queues';
import { EVENT } from '@/lib/events/types';
import { onEvent } from '@/lib/events/bus';
import { dispatchQueue, followUp } from './assign';
import { coalesce } from './coalesce';
import { runChange } from './change';
import { queuesChanged } from './events';
import './jobs';

// Imported once by lib/bootstrap.ts. Listeners run in the process that published the event.
const g = globalThis as unknown as { __parleyRoutingListeners?: boolean };

// Queues whose counters changed since the last recount started / that got a chat since the last
// placement pass started.
const recountQueues = new Set<string>();
const dispatchQueues = new Set<string>();

// Each queue's routing rule, as last read: a burst of new chats needs it once per RULE_TTL_MS, not
// once per placement pass (a round trip each). dispatchQueue reads the rule again before placing;
// a chat that arrives within RULE_TTL_MS of a switch to least_busy waits for the next pass or the
// per-minute sweep.
const RULE_TTL_MS = 2_000;
const leastBusyCache = new Map<string, { leastBusy: boolean; at: number }>();

async function leastBusyOf(queueIds: string[]): Promise<string[]> {
  const now = Date.now();
  const unknown = queueIds.filter((id) => !(now - (leastBusyCache.get(id)?.at ?? -Infinity) < RULE_TTL_MS));
  if (unknown.length) {
    const found = new Set(await listLeastBusyQueueIds(getDb(), { queueIds: unknown }));
    if (leastBusyCache.size > 10_000) leastBusyCache.clear();
    for (const id of unknown) leastBusyCache.set(id, { leastBusy: found.has(id), at: now });
  }
  return queueIds.filter((id) => leastBusyCache.get(id)?.leastBusy);
}

async function dispatch(): Promise<void> {
  const queueIds = [...dispatchQueues];
  dispatchQueues.clear();
  // Only least_busy queues place chats; offer_all members take them from the list.
  for (const queueId of await leastBusyOf(queueIds)) await followUp(() => dispatchQueue({ queueId }));
}

// The counters are for people's eyes: recounting at most every RECOUNT_EVERY_MS during a burst of
// new chats is invisible to them and saves the webhooks' connections, CPU and outbox lock.
const RECOUNT_EVERY_MS = 100;

async function recount(): Promise<void> {
  await new Promise((r) => setTimeout(r, RECOUNT_EVERY_MS));
  const queueIds = [...recountQueues];
  recountQueues.clear();
  if (!queueIds.length) return;
  await runChange(async (tx, events) => {
    events.push(...(await queuesChanged(tx, queueIds)));
  });
}

if (!g.__parleyRoutingListeners) {
  g.__parleyRoutingListeners = true;

  // A new chat (ingest files it as waiting in the channel's queue): counters move, least_busy places
  // it. Coalesced: a burst of new chats costs one recount transaction and one placement pass over
  // the queues touched meanwhile, not one of each per chat, and holds at most two of the pool's
  // connections (the webhooks need the others).
  onEvent(EVENT.conversationCreated, async (e) => {
    if (e.type !== 'conversation.created') return;
    const { queueId } = e.data.conversation;
    recountQueues.add(queueId);
    dispatchQueues.add(queueId);
    // Independent: placing the chat must not wait for (or on a failure of) the recount.
    await Promise.all([coalesce('queue-counts', recount), coalesce('queue-dispatch', dispatch)]);
  });
}
