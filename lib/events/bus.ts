import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import { canPipeline, executePrepared, type Db } from '@/db/client';
import { events as eventsTable } from '@/db/schema';
import { logger } from '@/lib/logger';
import type { DomainEvent, EventType, PublishedEvent } from './types';

/** Advisory lock key serialising outbox writers (any constant unique to this use). */
export const EVENTS_LOCK_KEY = 7_402_311_001;

// One emitter per process, shared by server.ts's modules and the Next.js route bundles.
const g = globalThis as unknown as { __parleyBus?: EventEmitter };
const emitter: EventEmitter = (g.__parleyBus ??= new EventEmitter().setMaxListeners(100));

/**
 * Writes events to the outbox inside the caller's transaction (so they exist iff the change
 * committed), returning them with their eventIds. Call `publishEvents` after the commit.
 */
export async function recordEvents(tx: Db, list: DomainEvent[]): Promise<PublishedEvent[]> {
  if (!list.length) return [];
  // Event ids become visible in the order they are allocated: each writer holds this lock from its
  // insert until its commit, so a reader that sees eventId N also sees every committed id < N.
  // Realtime catch-up (auth.since) relies on it to never skip an event committed "late".
  // Lock and insert are one statement (one round trip): the lock is taken before the first id.
  const input = list.map((e, n) => ({
    n,
    type: e.type,
    queue_id: e.audience.queueId ?? null,
    conversation_id: e.audience.conversationId ?? null,
    payload: { audience: e.audience, data: e.data },
  }));
  const result = await executePrepared<{ id: number | string; created_at: Date | string }>(tx, sql`
    insert into ${eventsTable} (type, queue_id, conversation_id, payload)
    select x.type, x.queue_id, x.conversation_id, x.payload
    from (select pg_advisory_xact_lock(${EVENTS_LOCK_KEY})) l,
      jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(n int, type text, queue_id uuid, conversation_id uuid, payload jsonb)
    order by x.n
    returning id, created_at`);
  // Ids are allocated in insertion order (order by n): ascending ids match the list.
  const rows = result
    .map((r) => ({ id: Number(r.id), createdAt: new Date(r.created_at) }))
    .sort((a, b) => a.id - b.id);
  return list.map((e, i) => ({ ...e, eventId: rows[i]!.id, createdAt: rows[i]!.createdAt.toISOString() }) as PublishedEvent);
}

/**
 * recordEvents as a transaction's LAST statement (nothing may use `tx` after it): on postgres.js the
 * COMMIT goes out right behind the insert instead of a round trip later, which also shortens how
 * long the outbox lock is held. Await `recorded` once the transaction has returned: should the
 * insert have failed, Postgres answered that COMMIT with a rollback and `recorded` throws.
 */
export async function recordEventsLast(tx: Db, list: DomainEvent[]): Promise<{ recorded: Promise<PublishedEvent[]> }> {
  const recorded = recordEvents(tx, list);
  if (!canPipeline(tx)) return { recorded: Promise.resolve(await recorded) };
  recorded.catch(() => {}); // observed by the caller after the commit
  return { recorded };
}

/** After commit: hands events to this process's listeners (realtime, routing, jobs). */
export function publishEvents(list: PublishedEvent[]): void {
  for (const e of list) {
    emitter.emit(e.type, e);
    emitter.emit('*', e);
  }
}

type Listener = (e: PublishedEvent) => void | Promise<void>;

/** Subscribes a listener; a failing listener is logged and never breaks the publisher. */
export function onEvent(type: EventType | '*', listener: Listener): () => void {
  const wrapped = (e: PublishedEvent) => {
    try {
      const r = listener(e);
      if (r && typeof (r as Promise<void>).catch === 'function') {
        (r as Promise<void>).catch((err: unknown) => logger.error({ err, type: e.type }, 'event listener failed'));
      }
    } catch (err) {
      logger.error({ err, type: e.type }, 'event listener failed');
    }
  };
  emitter.on(type, wrapped);
  return () => emitter.off(type, wrapped);
}
