import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { resetConfig } from '@/lib/config';
import { startRuntime, type Runtime } from '@/lib/bootstrap';
import { attachRealtime, closeRealtime } from '@/lib/realtime/server';
import { insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import type { User } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from './db';
import { createRouteHandler, loadRoutes } from './router';

export type TestApp = {
  url: string;
  runtime: Runtime;
  database: TestDatabase;
  dataDir: string;
  server: Server;
  /** fetch against the app: path is relative to its URL. */
  fetch: (p: string, init?: RequestInit & { token?: string; json?: unknown }) => Promise<Response>;
  createUser: (u: Partial<User> & { role: User['role'] }, password?: string) => Promise<User & { password: string }>;
  tokenFor: (email: string, password: string) => Promise<string>;
  close: () => Promise<void>;
};

/** A real Parley on a real HTTP port and a fresh database: route handlers, auth, jobs, Socket.IO. */
export async function startTestApp(
  opts: { driver?: 'postgres' | 'pglite'; env?: Record<string, string>; seedDemo?: boolean; realtime?: boolean } = {},
): Promise<TestApp> {
  const database = await createTestDatabase({ driver: opts.driver });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  let base = 'http://127.0.0.1';
  const server = createServer(createRouteHandler(loadRoutes(), () => base));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PUBLIC_URL: base,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...opts.env,
  });
  if (database.url) process.env.DATABASE_URL = database.url;
  else delete process.env.DATABASE_URL;
  resetConfig();

  const runtime = await startRuntime({ db: database.handle, seedDemo: opts.seedDemo ?? false });
  if (opts.realtime !== false) await attachRealtime(server, { redisUrl: process.env.REDIS_URL_FOR_TEST });

  const app: TestApp = {
    url: base,
    runtime,
    database,
    dataDir,
    server,
    fetch: (p, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.token) headers.set('authorization', `Bearer ${init.token}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(base + p, { ...init, headers, body });
    },
    createUser: async (u, password = 'correct horse battery') => {
      const user = await insertUser(runtime.db.db, {
        email: u.email ?? `${u.role}-${randomBytes(4).toString('hex')}@example.test`,
        name: u.name ?? `${u.role} user`,
        passwordHash: await hashPassword(password),
        ...u,
      });
      return { ...user, password };
    },
    tokenFor: async (email, password) => {
      const res = await app.fetch('/api/v1/auth/token', { method: 'POST', json: { email, password } });
      if (res.status !== 201) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    close: async () => {
      await closeRealtime();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await runtime.stop().catch(() => {});
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}
