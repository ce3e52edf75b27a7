import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, baseDatabaseUrl, type TestDatabase } from '../helpers/db';
import type { ServerProcess } from '../helpers/spawn-server';
import { TwilioLedger, type LedgerPlan } from '../helpers/twilio-ledger';
import { eventually } from '../helpers/twilio';
import { sleep } from './outbound-fixtures';
import {
  RUNS,
  countOutcome,
  pendingOf,
  printFigures,
  printTotals,
  sendReplies,
  serverEnv,
  setUpScenario,
  startServer,
  waitAllSent,
  type RunFigures,
  type Scenario,
} from './outbound-recovery';

// kill -9 of a Parley process while its replies are at Twilio: some accepted by Twilio (only the
// answer is lost), some not yet (the request dies with the process), some not sent yet (waiting
// their turn in their chat). After the restart every reply must be sent once, within seconds.
const onPostgres = Boolean(baseDatabaseUrl);

let database: TestDatabase;
let ledger: TwilioLedger;
let server: ServerProcess | undefined;
let s: Scenario;
const env = serverEnv();

beforeAll(async () => {
  if (!onPostgres) return;
  ledger = new TwilioLedger();
  await ledger.start();
  database = await createTestDatabase({ driver: 'postgres' });
  server = await startServer({ database, env }, ledger);
  s = await setUpScenario(database, env, server);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await ledger?.stop();
  await database?.drop();
});

function kill9(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

describe.runIf(onPostgres)('a Parley process killed (SIGKILL) with replies at Twilio', () => {
  it(`sends every reply once after the restart, within seconds (${RUNS} runs, figures printed)`, async () => {
    const all: RunFigures[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const tag = `crash ${run} ${randomBytes(3).toString('hex')}`;
      const mine = (p: URLSearchParams) => (p.get('Body') ?? '').startsWith(tag);
      let seen = 0;
      // A slow Twilio: each first reply is held 4 s; every other one is created on receipt.
      const slow = (call: { params: URLSearchParams }): LedgerPlan =>
        mine(call.params) ? { holdMs: 4000, accept: seen++ % 2 === 0 ? 'on-receipt' : 'on-answer' } : { holdMs: 0, accept: 'on-receipt' };
      ledger.plan = slow;
      const replies = await sendReplies(s, server!, tag);
      // Killed while the first calls are held (a process sends 5 at once; later ones wait their turn).
      await eventually(async () => ledger.calls.filter((c) => mine(c.params)).length >= 3, 20_000);
      await sleep(500);
      await kill9(server!);
      const inFlight = ledger.calls.filter((c) => mine(c.params)).length;
      const acceptedBefore = ledger.accepted(mine).length;
      const listsBefore = ledger.lists.length;
      ledger.plan = () => ({ holdMs: 0, accept: 'on-receipt' });

      const crashedAt = Date.now();
      server = await startServer(s, ledger);
      const back = Date.now();
      console.log(`crash run ${run}: restarted in ${((back - crashedAt) / 1000).toFixed(1)} s`);
      const pendingAfter = await pendingOf(s, replies);
      const done = await waitAllSent(s, replies, back);
      const outcome = await countOutcome(s, ledger, replies);
      const figures: RunFigures = {
        run,
        replies: replies.length,
        pendingAfter,
        secondsToLastSent: done === null ? null : (done - back) / 1000,
        ...outcome,
        inFlight,
        acceptedBefore,
        reconciles: ledger.lists.length - listsBefore,
      };
      printFigures('crash', figures);
      if (done !== null) console.log(`crash run ${run}: last reply sent ${((done - crashedAt) / 1000).toFixed(1)} s after the kill`);
      all.push(figures);
    }
    printTotals('crash', all);
    expect(all.map((f) => f.doubleSends)).toEqual(all.map(() => 0));
    expect(all.map((f) => f.lost)).toEqual(all.map(() => 0));
    expect(all.map((f) => f.outOfOrder)).toEqual(all.map(() => 0));
  }, 900_000);
});
