import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, rowsOf, type DbHandle } from '@/db/client';
import { baseDatabaseUrl, createTestDatabase, type TestDatabase } from '../helpers/db';

// A transaction whose connection Postgres cuts (restart, failover, pg_terminate_backend) between two
// of its statements must store nothing: not even the statements it sends after the cut. Unrepaired
// postgres.js ran those on the pool's next session of that connection, each committed on its own.
const onPostgres = Boolean(baseDatabaseUrl);
let database: TestDatabase;
let pool: DbHandle; // one connection, so the pool reconnects that very connection for the next query
let admin: postgres.Sql;

beforeAll(async () => {
  if (!onPostgres) return;
  database = await createTestDatabase({ migrate: false });
  await database.handle.db.execute(sql`create table t (n int not null)`);
  pool = await openDatabase({ databaseUrl: database.url!, poolSize: 1 });
  admin = postgres(baseDatabaseUrl!, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await pool?.close();
  await admin?.end();
  await database?.drop();
});

describe.runIf(onPostgres)('a transaction whose connection is cut', () => {
  it('fails, and none of its statements are stored, including those sent after the cut', async () => {
    let other: Promise<unknown> | undefined;
    let late: unknown;
    const outcome = await pool.db
      .transaction(async (tx) => {
        const [{ pid }] = rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`));
        await tx.execute(sql`insert into t values (1)`);
        other = pool.db.execute(sql`select 'another request' as x`); // queued: the pool's only connection is ours
        await admin`select pg_terminate_backend(${pid})`;
        // `other` runs once the pool has seen the cut and reconnected its connection (a new session).
        await other;
        await tx.execute(sql`insert into t values (2)`).catch((e: unknown) => (late = e));
      })
      .then(
        () => 'committed',
        (e: { code?: string }) => `failed: ${e.code}`,
      );
    await new Promise((r) => setTimeout(r, 300));
    expect(outcome).toBe('failed: CONNECTION_CLOSED');
    expect(late).toBeDefined();
    expect(rowsOf(await database.handle.db.execute(sql`select n from t`))).toEqual([]);
    // The pool itself is fine: the other request ran, and the next transaction commits.
    expect(rowsOf(await other!)).toEqual([{ x: 'another request' }]);
    await pool.db.transaction(async (tx) => void (await tx.execute(sql`insert into t values (3)`)));
    expect(rowsOf(await database.handle.db.execute(sql`select n from t`))).toEqual([{ n: 3 }]);
  });
});
