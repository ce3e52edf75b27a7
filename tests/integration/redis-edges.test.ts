import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { freePort } from '../helpers/free-port';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../helpers/redis-server';
import { connectSocket, createAgent, type TestSocket } from '../helpers/routing';
import { spawnServer, type ServerProcess } from '../helpers/spawn-server';
import { createTwilioChannel, eventually, inboundParams, postInbound } from '../helpers/twilio';

// Parley with REDIS_URL set, at the edges: Redis not there at start, Redis gone at stop. A real
// server process each time (tests/helpers/serve.ts), as production runs it.
const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const ready = !!databaseUrl && (await hasRedisServer());
if (!ready) console.warn('redis-edges.test.ts skipped: it needs Postgres (DATABASE_URL) and redis-server on the PATH.');

/** Orchestrators' grace period between SIGTERM and SIGKILL (Kubernetes' default). */
const GRACE_MS = 30_000;
/** A start, Redis or not, is this quick on this machine; longer means it waits for Redis. */
const START_MS = 25_000;

const env = {
  NODE_ENV: 'test',
  AUTH_SECRET: randomBytes(32).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
};

let database: TestDatabase;
const servers: ServerProcess[] = [];
const redises: PrivateRedis[] = [];
const sockets: TestSocket[] = [];

async function start(redisUrl: string): Promise<{ server: ServerProcess; ms: number }> {
  const t0 = Date.now();
  const server = await spawnServer({ ...env, DATABASE_URL: database.url!, REDIS_URL: redisUrl }, START_MS);
  servers.push(server);
  return { server, ms: Date.now() - t0 };
}

/** SIGTERM, then wait up to the grace period: how it ended and how long it took. */
async function terminate({ child }: { child: ChildProcess }): Promise<{ code: number | null; signal: string | null; ms: number }> {
  const t0 = Date.now();
  if (child.exitCode !== null) return { code: child.exitCode, signal: null, ms: 0 };
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL'); // what the orchestrator does when the grace period is over
    }, GRACE_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, ms: Date.now() - t0 });
    });
    child.kill('SIGTERM');
  });
}

const health = async (s: ServerProcess) => (await fetch(`${s.url}/api/health`)).json() as Promise<{ ok: boolean; redis?: string }>;

const closedPortUrl = async () => `redis://127.0.0.1:${await freePort()}`;

describe.skipIf(!ready)('Redis at the edges', () => {
  beforeAll(async () => {
    database = await createTestDatabase({ driver: 'postgres' });
    Object.assign(process.env, { ENCRYPTION_KEY: env.ENCRYPTION_KEY });
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(redises.map((r) => r.kill()));
    await database?.drop();
  }, 60_000);

  it('Redis down at start: Parley starts degraded and says so, health tells, and SIGTERM stops it', { timeout: 90_000 }, async () => {
    const { server, ms } = await start(await closedPortUrl());
    expect(server.output()).toMatch(/Redis is unreachable: Parley starts WITHOUT the realtime relay/);
    const h = await health(server);
    expect(h).toMatchObject({ ok: true, redis: 'down' });
    const stopped = await terminate(server);
    console.log(`[redis-edges] Redis down at start: listening after ${ms} ms; SIGTERM -> exit ${stopped.code ?? stopped.signal} in ${stopped.ms} ms`);
    expect(stopped).toMatchObject({ code: 0, signal: null });
  });

  it('Redis killed while running: SIGTERM still stops it cleanly within the grace period', { timeout: 90_000 }, async () => {
    const redis = await startPrivateRedis();
    redises.push(redis);
    const { server } = await start(redis.url);
    const before = await health(server);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1_000));
    const h = await health(server);
    const stopped = await terminate(server);
    console.log(`[redis-edges] Redis killed while running: SIGTERM -> exit ${stopped.code ?? stopped.signal} in ${stopped.ms} ms`);
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(before).toMatchObject({ ok: true, redis: 'up' });
    expect(h).toMatchObject({ ok: true, redis: 'down' });
  });

  it('Redis arriving after the start: both processes start relaying, and agents split meanwhile are told to resync', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const [{ server: A }, { server: B }] = await Promise.all([start(url), start(url)]);
    const viaA = { url: A.url, runtime: { db: database.handle }, fetch: (p: string, init: RequestInit = {}) => fetch(A.url + p, init) } as unknown as TestApp;
    const supervisor = await createAgent(viaA, { role: 'supervisor' });
    const ch = await createTwilioChannel(viaA);

    const onB = connectSocket(B.url, supervisor.token);
    sockets.push(onB);
    await onB.ready;
    const resyncs: number[] = [];
    onB.socket.on('resync', (p: { lastEventId: number }) => resyncs.push(p.lastEventId));

    // Split: a message filed by A does not reach B's agents live (nothing carries it yet).
    expect((await postInbound(viaA, ch, inboundParams(ch.channel, { Body: 'while split' }, '+14155550161'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    const splitDelivered = onB.received.filter((r) => r.type === 'message.created').length;

    const t0 = Date.now();
    const redis = await startPrivateRedis(port);
    redises.push(redis);
    await eventually(async () => (await health(A)).redis === 'up' && (await health(B)).redis === 'up', 30_000);
    const switchMs = Date.now() - t0;
    // B's supervisor may have missed what A published meanwhile: it is told to reload.
    await eventually(async () => resyncs.length > 0, 10_000);
    expect(A.output()).toMatch(/Redis connected: realtime relay on/);

    // And from now on A's events reach B's sockets live.
    expect((await postInbound(viaA, ch, inboundParams(ch.channel, { Body: 'after Redis came' }, '+14155550162'))).status).toBe(200);
    await onB.waitFor((r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'after Redis came', 15_000);
    const resyncsAtStart = resyncs.length;

    // Redis lost while running, and back: the same again.
    await redis.kill();
    await eventually(async () => (await health(A)).redis === 'down' && (await health(B)).redis === 'down', 15_000);
    expect((await postInbound(viaA, ch, inboundParams(ch.channel, { Body: 'while Redis is away' }, '+14155550163'))).status).toBe(200);
    const t1 = Date.now();
    redises.push(await startPrivateRedis(port));
    await eventually(async () => (await health(A)).redis === 'up' && (await health(B)).redis === 'up', 30_000);
    const backMs = Date.now() - t1;
    await eventually(async () => resyncs.length > resyncsAtStart, 10_000);
    expect((await postInbound(viaA, ch, inboundParams(ch.channel, { Body: 'Redis is back' }, '+14155550164'))).status).toBe(200);
    await onB.waitFor((r) => r.type === 'message.created' && (r.payload.message as { body: string }).body === 'Redis is back', 15_000);
    expect(A.output()).toMatch(/Redis connection lost/);
    console.log(
      `[redis-edges] Redis arriving late: relay up on both ${switchMs} ms after redis-server started; ` +
        `B's socket got ${splitDelivered} live event(s) of A while split, then ${resyncsAtStart} resync(s). ` +
        `Redis killed and restarted: relay up again ${backMs} ms after, ${resyncs.length - resyncsAtStart} more resync(s)`,
    );
  });

  it('server.ts itself (the dev server, embedded database) with Redis down: ready with the warning, and SIGTERM ends it', { timeout: 150_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-edges-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      env: {
        ...process.env,
        ...env,
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        REDIS_URL: await closedPortUrl(),
        SEED_DEMO: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const t0 = Date.now();
      await new Promise<void>((resolve, reject) => {
        // The dev server compiles before it listens: slow on a busy machine, whatever Redis does.
        const t = setTimeout(() => reject(new Error(`not ready in 120 s: ${out.slice(-2000)}`)), 120_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.includes('Parley is ready')) {
            clearTimeout(t);
            resolve();
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => reject(new Error(`exited (${code}): ${out.slice(-2000)}`)));
      });
      const readyMs = Date.now() - t0;
      expect(out).toMatch(/Redis is unreachable: Parley starts WITHOUT the realtime relay/);
      expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({ ok: true, redis: 'down' });
      const stopped = await terminate({ child });
      console.log(`[redis-edges] server.ts, Redis down: ready after ${readyMs} ms (dev compile included); SIGTERM -> exit ${stopped.code ?? stopped.signal} in ${stopped.ms} ms`);
      expect(stopped).toMatchObject({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
