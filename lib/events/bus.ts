import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
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
  await tx.execute(sql`select pg_advisory_xact_lock(${EVENTS_LOCK_KEY})`);
  const rows = await tx
    .insert(eventsTable)
    .values(
      list.map((e) => ({
        type: e.type,
        queueId: e.audience.queueId ?? null,
        conversationId: e.audience.conversationId ?? null,
        payload: { audience: e.audience, data: e.data },
      })),
    )
    .returning({ id: eventsTable.id, createdAt: eventsTable.createdAt });
  return list.map((e, i) => ({ ...e, eventId: rows[i]!.id, createdAt: rows[i]!.createdAt.toISOString() }) as PublishedEvent);
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
