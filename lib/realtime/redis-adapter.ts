/**
 * The Redis relay between Parley processes (REDIS_URL): the Socket.IO Redis adapter carries each
 * event published here to every other process, which delivers it to its own sockets.
 *
 * Redis down at start: Parley starts anyway (a contact center would rather have one working
 * process than none), says so loudly (log lines, /api/health `redis: "down"`) and keeps connecting
 * in the background; the adapter is in place from the start and relays as soon as Redis answers.
 * Redis lost while running: the same, the clients reconnect by themselves.
 *
 * While the relay is broken, processes are split: agents get only their own process's events. So
 * that nothing is lost silently, when the relay is whole again this process tells its sockets to
 * `resync` (reload over REST, then go on live: what they may have missed from the others), and if
 * it published events meanwhile, it asks every other process to do the same for its sockets.
 * Relay publishes are never queued while Redis is away (memory would grow with the outage).
 *
 * A process that dies between a commit and its relay (kill -9, OOM) takes events with it that the
 * other processes' sockets would never see live. So every process also reads the outbox's ids
 * behind the live stream (every REPAIR_EVERY_MS, ids older than SETTLED_MS) and delivers, late, the
 * events that reached it neither from its own publishes nor over the relay.
 *
 * Stop: never waits on a Redis that does not answer (a `quit()` to a disconnected client waits
 * forever): a ready client gets a short graceful close, anything else is destroyed at once.
 */
import type { Server } from 'socket.io';
import type { RedisClientType } from 'redis';
import { getDb } from '@/db/client';
import { getLatestEventId, listSettledEventIds, readEventsByIds } from '@/db/queries/events';
import type { EventRow } from '@/db/schema';
import type { Audience, PublishedEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';

const RELAY = 'parley:event';
const RESYNC = 'parley:resync';
const START_WAIT_MS = 2_000;
const CLOSE_TIMEOUT_MS = 1_000;
const REMIND_EVERY_MS = 30_000;
const REPAIR_EVERY_MS = 2_000;
const SETTLED_MS = 3_000;

const toPublished = (r: EventRow): PublishedEvent => {
  const p = r.payload as { audience: Audience; data: PublishedEvent['data'] };
  return { type: r.type, audience: p.audience, data: p.data, eventId: Number(r.id), createdAt: r.createdAt.toISOString() } as PublishedEvent;
};

export type RelayState = 'up' | 'down';

export type RedisRelay = {
  /** Sends an event published here to the other processes. */
  publish: (e: PublishedEvent) => void;
  close: () => Promise<void>;
};

// Read by the health route, which runs in the Next.js bundle of this same process.
const g = globalThis as unknown as { __parleyRelayState?: RelayState };

/** Redis as /api/health reports it; undefined without REDIS_URL. */
export function relayHealth(): RelayState | undefined {
  return g.__parleyRelayState;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable)';
  }
}

/** Tells this process's sockets to reload over REST: the relay was broken, they may have missed events. */
async function resyncLocalSockets(io: Server): Promise<number> {
  const sockets = [...io.of('/').sockets.values()];
  if (!sockets.length) return 0;
  const lastEventId = await getLatestEventId(getDb());
  for (const s of sockets) s.emit('resync', { lastEventId });
  return sockets.length;
}

/**
 * Installs the Redis adapter on `io` and connects in the background. Resolves once Redis answers
 * or after START_WAIT_MS, whichever is first: the server starts either way.
 */
export async function startRedisRelay(
  io: Server,
  { url, deliver }: { url: string; deliver: (e: PublishedEvent, opts?: { late?: boolean }) => void },
): Promise<RedisRelay> {
  const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
  const where = redactUrl(url);
  const startedAt = Date.now();
  let closed = false;
  let everUp = false;
  let downSince: number | undefined = startedAt; // not relaying yet
  let remindAt = startedAt + REMIND_EVERY_MS;
  let dropped = 0; // events published here while the relay was broken
  let warned = false;
  g.__parleyRelayState = 'down';
  // Every event with an id at or below the watermark was delivered here (or is not ours to
  // deliver live); above it, `seen` holds the ids delivered so far.
  let watermark = await getLatestEventId(getDb());
  const seen = new Set<number>();
  let repaired = 0;

  const socket = {
    connectTimeout: 5_000,
    // Retry forever with a backoff up to 5 s (node-redis would otherwise retry every 0.5 s).
    reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 6), 5_000),
  };
  // Publishing fails at once while Redis is away instead of piling up in an offline queue; the
  // adapter does not await its publishes, so a failure must not become an unhandled rejection.
  const pub = createClient({ url, socket, disableOfflineQueue: true }) as RedisClientType;
  const sub = createClient({ url, socket }) as RedisClientType; // subscriptions wait for the connection
  const clients = [pub, sub];
  const publish = pub.publish.bind(pub);
  (pub as unknown as Record<string, unknown>).publish = (...args: Parameters<typeof publish>) =>
    publish(...args).catch(() => {
      dropped++;
      return 0;
    });
  // The adapter subscribes as it is created. node-redis sends subscriptions made before the first
  // connection twice, which breaks the subscriber: they wait for that connection. Failures (a stop
  // before Redis ever answered, say) must not become unhandled rejections either.
  const firstConnection = new Promise<void>((resolve) => sub.once('ready', () => resolve()));
  const subscriptions: Promise<unknown>[] = [];
  for (const name of ['subscribe', 'pSubscribe'] as const) {
    const fn = (sub[name] as (...a: unknown[]) => Promise<unknown>).bind(sub);
    (sub as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const p = firstConnection.then(() => fn(...args)).catch(() => undefined);
      subscriptions.push(p);
      return p;
    };
  }
  for (const name of ['unsubscribe', 'pUnsubscribe'] as const) {
    const fn = (sub[name] as (...a: unknown[]) => Promise<unknown>).bind(sub);
    (sub as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => fn(...args).catch(() => undefined);
  }

  const noteDown = (err?: Error) => {
    if (closed) return;
    const now = Date.now();
    g.__parleyRelayState = 'down';
    if (downSince === undefined) {
      downSince = now;
      remindAt = now + REMIND_EVERY_MS;
    }
    if (!warned) {
      warned = true;
      logger.error(
        { err, redis: where },
        everUp
          ? 'Redis connection lost: realtime relay between Parley processes is OFF until it returns (reconnecting). Agents get only this process\u2019s events meanwhile; they resync when it returns.'
          : 'Redis is unreachable: Parley starts WITHOUT the realtime relay between processes (reconnecting in the background). Agents connected here get only this process\u2019s events until it connects; they resync then.',
      );
    } else if (now >= remindAt) {
      remindAt = now + REMIND_EVERY_MS;
      logger.error({ redis: where, downSeconds: Math.round((now - downSince) / 1000) }, 'still no Redis: realtime relay between Parley processes is off');
    }
  };

  const noteUp = async () => {
    const whole = () => !closed && pub.isReady && sub.isReady && downSince !== undefined;
    if (!whole()) return;
    await Promise.all(subscriptions); // relayed events reach us again from here on
    if (!whole() || downSince === undefined) return;
    const gapSeconds = Math.round((Date.now() - downSince) / 1000);
    const first = !everUp;
    const missed = dropped;
    downSince = undefined;
    dropped = 0;
    everUp = true;
    g.__parleyRelayState = 'up';
    const wasLoud = warned;
    warned = false;
    try {
      if (missed > 0) io.serverSideEmit(RESYNC);
      // The resync covers the gap: the repair pass starts after it.
      watermark = Math.max(watermark, await getLatestEventId(getDb()));
      const resynced = await resyncLocalSockets(io);
      const line = { redis: where, gapSeconds, droppedRelays: missed, resyncedSockets: resynced };
      if (wasLoud || missed || resynced) logger.warn(line, first ? 'Redis connected: realtime relay on' : 'Redis is back: realtime relay on');
      else logger.info(line, 'Redis connected: realtime relay on');
    } catch (err) {
      logger.error({ err }, 'resync after the Redis gap failed');
    }
  };

  for (const c of clients) {
    c.on('error', (err: Error) => noteDown(err));
    c.on('end', () => noteDown());
    c.on('ready', () => void noteUp());
  }

  // Events published by other processes: delivered here to this process's sockets.
  io.on(RELAY, (e: PublishedEvent) => {
    if (e.eventId <= watermark || seen.has(e.eventId)) return; // the repair pass was first
    seen.add(e.eventId);
    deliver(e);
  });
  // Another process published while it was cut off from Redis: our sockets may have missed it.
  io.on(RESYNC, () => void resyncLocalSockets(io).catch((err: unknown) => logger.error({ err }, 'resync failed')));

  io.adapter(createAdapter(pub, sub));
  const connected = Promise.all(clients.map((c) => c.connect())).then(
    () => true,
    (err: unknown) => {
      if (!closed) logger.error({ err, redis: where }, 'Redis client gave up: realtime relay off until restart');
      return false;
    },
  );
  await Promise.race([connected, new Promise((r) => setTimeout(r, START_WAIT_MS).unref())]);
  if (!pub.isReady || !sub.isReady) noteDown();

  let repairing = false;
  const repair = async () => {
    if (closed || repairing) return;
    repairing = true;
    try {
      const ids = await listSettledEventIds(getDb(), { after: watermark, settledMs: SETTLED_MS, limit: 5_000 });
      if (!ids.length || closed) return;
      // While the relay is broken the resync at its return covers what is missing.
      const missing = g.__parleyRelayState === 'up' ? ids.filter((id) => !seen.has(id)) : [];
      const rows = await readEventsByIds(getDb(), { ids: missing });
      if (closed) return;
      for (const row of rows) deliver(toPublished(row), { late: true });
      if (rows.length) {
        repaired += rows.length;
        logger.warn({ delivered: rows.length, total: repaired, firstEventId: rows[0]!.id }, 'events that never came over the relay (did a process die between commit and relay?) delivered from the outbox');
      }
      watermark = Math.max(watermark, ids[ids.length - 1]!);
      for (const id of seen) if (id <= watermark) seen.delete(id);
    } catch (err) {
      logger.warn({ err }, 'relay repair pass failed');
    } finally {
      repairing = false;
    }
  };
  const repairTimer = setInterval(() => void repair(), REPAIR_EVERY_MS);
  repairTimer.unref();

  return {
    publish: (e) => {
      if (closed) return;
      seen.add(e.eventId);
      if (pub.isReady) io.serverSideEmit(RELAY, e);
      else dropped++;
    },
    close: async () => {
      closed = true;
      clearInterval(repairTimer);
      g.__parleyRelayState = undefined;
      await Promise.all(
        clients.map(async (c) => {
          if (c.isReady) {
            await Promise.race([c.close().catch(() => {}), new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref())]);
          }
          if (c.isOpen) c.destroy();
        }),
      );
    },
  };
}
