import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf, transaction } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

// db/client.ts transaction(): BEGIN goes out with the first statement (postgres.js), with the same
// contract as db.transaction. Runs on whichever driver the suite uses (Postgres in CI).
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await database.handle.db.execute(sql`create table t (n int not null)`);
});
afterAll(() => database?.drop());

const count = async () => Number(rowsOf<{ n: number }>(await database.handle.db.execute(sql`select count(*)::int as n from t`))[0]!.n);

describe('transaction()', () => {
  it('commits what fn wrote, all in one transaction', async () => {
    const txids = await transaction(database.handle.db, async (tx) => {
      await tx.execute(sql`insert into t values (1)`);
      const a = rowsOf<{ x: string }>(await tx.execute(sql`select txid_current()::text as x`))[0]!.x;
      await tx.execute(sql`insert into t values (2)`);
      const b = rowsOf<{ x: string }>(await tx.execute(sql`select txid_current()::text as x`))[0]!.x;
      return [a, b];
    });
    expect(txids[0]).toBe(txids[1]);
    expect(await count()).toBe(2);
  });

  it('rolls back everything when fn throws, or when a statement fails', async () => {
    const before = await count();
    await expect(
      transaction(database.handle.db, async (tx) => {
        await tx.execute(sql`insert into t values (3)`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      transaction(database.handle.db, async (tx) => {
        await tx.execute(sql`insert into t values (4)`);
        await tx.execute(sql`insert into t values (null)`);
      }),
    ).rejects.toThrow();
    expect(await count()).toBe(before);
  });

  it('on a pool being closed, fails like a query does instead of opening a connection', async () => {
    if (database.handle.kind !== 'postgres') return; // PGlite: db.transaction, one embedded connection
    const other = await createTestDatabase({ migrate: false });
    await other.handle.db.execute(sql`select 1`);
    const closing = other.handle.close();
    await expect(transaction(other.handle.db, async (tx) => tx.execute(sql`select 1`))).rejects.toMatchObject({ code: 'CONNECTION_ENDED' });
    await closing;
    await other.drop();
  });
});
