import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { insertChannel } from '@/db/queries/channels';
import { insertQueue } from '@/db/queries/queues';
import type { Channel } from '@/db/schema';
import { encryptSecret } from '@/lib/crypto';
import type { TestApp } from './app';

export type SimulatorChannel = Channel & { authToken: string };

/** A simulator channel (and its queue) with a known auth token. */
export async function createSimulatorChannel(
  app: TestApp,
  opts: { phoneNumber?: string; accountSid?: string; name?: string } = {},
): Promise<SimulatorChannel> {
  const db = app.runtime.db.db;
  const queue = await insertQueue(db, { name: `Queue ${randomBytes(3).toString('hex')}` });
  const authToken = randomBytes(16).toString('hex');
  const channel = await insertChannel(db, {
    name: opts.name ?? 'Simulated support',
    provider: 'simulator',
    phoneNumber: opts.phoneNumber ?? `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
    accountSid: opts.accountSid ?? 'AC' + randomBytes(16).toString('hex'),
    authTokenEncrypted: encryptSecret(authToken, process.env.ENCRYPTION_KEY!),
    queueId: queue.id,
    environment: 'sandbox',
  });
  return { ...channel, authToken };
}

export type Received = { url: string; headers: IncomingMessage['headers']; params: Record<string, string> };

/** A local HTTP endpoint that records the form posts it receives (a StatusCallback target). */
export async function startRecorder(): Promise<{
  url: string;
  received: Received[];
  waitFor: (pred: (r: Received) => boolean, ms?: number) => Promise<Received>;
  close: () => Promise<void>;
  server: Server;
}> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`,
        headers: req.headers,
        params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())),
      });
      waiters.splice(0).forEach((w) => w());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waitFor = async (pred: (r: Received) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = received.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching request within ${ms} ms: ${JSON.stringify(received.map((r) => r.params))}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return {
    url,
    received,
    waitFor,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Polls until `fn` returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
