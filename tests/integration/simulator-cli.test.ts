import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { messages } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { createSimulatorChannel, type SimulatorChannel } from '../helpers/simulator';

const run = promisify(execFile);
let app: TestApp;
let channel: SimulatorChannel;
let token: string;

beforeAll(async () => {
  app = await startTestApp({ realtime: false, env: { SIMULATOR_ENABLED: 'true' } });
  channel = await createSimulatorChannel(app);
  const admin = await app.createUser({ role: 'admin' });
  token = await app.tokenFor(admin.email, admin.password);
});
afterAll(() => app?.close());

const simulate = (...extra: string[]) =>
  run(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'bench/simulate.ts', '--url', app.url, '--json', ...extra], {
    cwd: process.cwd(),
    env: { ...process.env, PARLEY_TOKEN: token },
    timeout: 60_000,
  });

describe('npm run simulate', () => {
  it('drives several customers with signed webhooks and reports sent, acknowledged and failed', async () => {
    const { stdout } = await simulate('--channel', channel.id, '--customers', '5', '--rate', '10', '--duration', '3');
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { sent: number; acknowledged: number; failed: number; customers: number };
    expect(report).toMatchObject({ sent: 30, acknowledged: 30, failed: 0, customers: 5 });

    // Parley stored every one, from five distinct customers.
    const [row] = await app.runtime.db.db
      .select({ n: sql<number>`count(*)::int`, contacts: sql<number>`count(distinct ${messages.conversationId})::int` })
      .from(messages)
      .where(and(eq(messages.channelId, channel.id), eq(messages.direction, 'inbound')));
    expect(row).toEqual({ n: 30, contacts: 5 });
  });

  it('fails plainly for a channel that is not a simulator channel', async () => {
    const err = await simulate('--channel', '00000000-0000-0000-0000-000000000000', '--duration', '1').then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/404/);
  });
});
