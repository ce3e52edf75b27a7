import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseDatabaseUrl, createTestDatabase, type TestDatabase } from '../helpers/db';
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

// The database goes away for 4 s (a restart, a failover) while replies are at Twilio, and no
// process crashes: Twilio answers with the sids during the cut. Every reply must be sent once.
// PARLEY_SEND_CUT_SECONDS sets the cut's length (4), PARLEY_SEND_RECOVERY_RUNS the runs (5).
const onPostgres = Boolean(baseDatabaseUrl);
const CUT_MS = Number(process.env.PARLEY_SEND_CUT_SECONDS ?? 4) * 1000;

let database: TestDatabase;
let ledger: TwilioLedger;
let server: ServerProcess | undefined;
let admin: postgres.Sql;
let s: Scenario;
const env = serverEnv();

beforeAll(async () => {
  if (!onPostgres) return;
  ledger = new TwilioLedger();
  await ledger.start();
  database = await createTestDatabase({ driver: 'postgres' });
  admin = postgres(baseDatabaseUrl!, { max: 1, onnotice: () => {} });
  server = await startServer({ database, env }, ledger);
  s = await setUpScenario(database, env, server);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await ledger?.stop();
  await admin?.unsafe(`alter database ${dbName()} allow_connections true`).catch(() => {});
  await admin?.end();
  await database?.drop();
});

const dbName = () => new URL(database.url!).pathname.slice(1);

/** No connection to the test database for `ms`: every open one is cut, new ones are refused. */
async function cutDatabase(ms: number): Promise<void> {
  const name = dbName();
  await admin.unsafe(`alter database ${name} allow_connections false`);
  const end = Date.now() + ms;
  try {
    while (Date.now() < end) {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
      await sleep(200);
    }
  } finally {
    await admin.unsafe(`alter database ${name} allow_connections true`);
  }
}

describe.runIf(onPostgres)('the database goes away for 4 s while replies are at Twilio', () => {
  it(`sends every reply once, and all soon after the database is back (${RUNS} runs, figures printed)`, async () => {
    const all: RunFigures[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const tag = `cut ${run} ${randomBytes(3).toString('hex')}`;
      const mine = (p: URLSearchParams) => (p.get('Body') ?? '').startsWith(tag);
      // Twilio takes each message and answers 1.5 s later: in the middle of the cut.
      ledger.plan = (call): LedgerPlan => ({ holdMs: mine(call.params) ? 1500 : 0, accept: 'on-receipt' });
      const replies = await sendReplies(s, server!, tag);
      await eventually(async () => ledger.calls.filter((c) => mine(c.params)).length >= 3, 20_000);
      const inFlight = ledger.calls.filter((c) => mine(c.params)).length;
      const acceptedBefore = ledger.accepted(mine).length;
      const listsBefore = ledger.lists.length;
      await cutDatabase(CUT_MS);
      const back = Date.now();
      ledger.plan = () => ({ holdMs: 0, accept: 'on-receipt' });
      const pendingAfter = await eventually(() => pendingOf(s, replies).then((n) => n + 1).catch(() => 0), 20_000).then((n) => n - 1);
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
      printFigures('database cut', figures);
      all.push(figures);
    }
    printTotals('database cut', all);
    expect(all.map((f) => f.doubleSends)).toEqual(all.map(() => 0));
    expect(all.map((f) => f.lost)).toEqual(all.map(() => 0));
    expect(all.map((f) => f.outOfOrder)).toEqual(all.map(() => 0));
  }, 900_000);
});
