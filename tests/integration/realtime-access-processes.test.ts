import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createClient } from 'redis';
import { setDbHandle } from '@/db/client';
import { users } from '@/db/schema';
import { insertApiToken } from '@/db/queries/api-tokens';
import { insertUser } from '@/db/queries/users';
import { sha256Hex } from '@/lib/crypto';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import { attachRealtime, closeRealtime } from '@/lib/realtime/server';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { connectSocket, type TestSocket } from '../helpers/routing';
import { spawnServer, type ServerProcess } from '../helpers/spawn-server';

// access.changed published by one process ends the user's socket on another (through Redis).
const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const c = createClient({ url: redisUrl, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.quit();
    return true;
  } catch {
    return false;
  }
}
const ready = !!databaseUrl && (await redisReachable());
if (!ready) console.warn('realtime-access-processes.test.ts skipped: it needs Postgres (DATABASE_URL) and Redis.');

let database: TestDatabase;
let B: ServerProcess;
let here: HttpServer;
const sockets: TestSocket[] = [];

describe.skipIf(!ready)('access changes across processes', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    database = await createTestDatabase({ driver: 'postgres' });
    B = await spawnServer({
      NODE_ENV: 'test',
      AUTH_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      REDIS_URL: redisUrl,
      DATABASE_URL: database.url!,
    });
    // This test process is the other Parley process: a Socket.IO node on the same Redis.
    // Its realtime reads the outbox (catch-up, the relay's repair pass) through this process's database.
    setDbHandle(database.handle);
    here = createServer();
    await new Promise<void>((r) => here.listen(0, '127.0.0.1', r));
    await attachRealtime(here, { redisUrl });
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await closeRealtime();
    here?.close();
    await B?.stop();
    await database?.drop();
  });

  const user = async (name: string) => {
    const u = await insertUser(database.handle.db, { email: `${randomBytes(4).toString('hex')}@example.test`, name, role: 'agent', passwordHash: 'x' });
    const token = `prl_${randomBytes(24).toString('hex')}`;
    await insertApiToken(database.handle.db, { userId: u.id, name: 'test', tokenHash: sha256Hex(token) });
    return { ...u, token };
  };

  it('a user deactivated here loses the socket connected to the other process at once', async () => {
    const gone = await user('Gone');
    const stays = await user('Stays');
    const sg = connectSocket(B.url, gone.token);
    const ss = connectSocket(B.url, stays.token);
    sockets.push(sg, ss);
    await Promise.all([sg.ready, ss.ready]);
    const ended = new Promise<string>((resolve) => {
      let reason = '';
      sg.socket.once('session.ended', (p: { reason: string }) => (reason = p.reason));
      sg.socket.once('disconnect', (why) => resolve(`${reason} / ${why}`));
    });

    await database.handle.db.update(users).set({ active: false }).where(eq(users.id, gone.id));
    const published = await database.handle.db.transaction((tx) =>
      recordEvents(tx, [{ type: 'access.changed', audience: { userIds: [gone.id] }, data: { userId: gone.id, reason: 'deactivated' } }]),
    );
    publishEvents(published);

    expect(await ended).toBe('deactivated / io server disconnect');
    expect(ss.socket.connected).toBe(true);
  });
});
