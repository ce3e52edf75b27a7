import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Schema = typeof schema;
/** A database or a transaction: every query function takes one of these first. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DbHandle = {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Set for PGlite: the single embedded connection (pg-boss shares it). */
  pglite?: PGlite;
  /** Set for postgres.js: the connection pool. */
  sql?: postgres.Sql;
  /** Set for postgres.js: the connection URL. */
  url?: string;
  close: () => Promise<void>;
};

export type OpenOptions = {
  /** postgres:// URL; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory parent (DATA_DIR); data lives in DATA_DIR/pgdata. */
  dataDir?: string;
  /** PGlite in memory (tests). */
  inMemory?: boolean;
  poolSize?: number;
};

/** The only place that picks the driver: postgres.js when a URL is given, else PGlite. */
export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const max = opts.poolSize ?? 10;
    const sql = postgres(opts.databaseUrl, {
      max,
      onnotice: () => {},
      connect_timeout: 10,
      // Seconds before a connection that closed with an error reconnects; `failures` counts the
      // whole pool's failed closes since the last successful connect. postgres.js's default
      // (3^failures / 100, up to 20 s) waits 10–20 s after a single restart or failover has cut all
      // ten connections at once, and every query queued meanwhile waits with it. Per connection this
      // grows 0.1 s, 0.2 s, 0.4 s… up to 2 s, with jitter so reconnects do not arrive together.
      backoff: (failures: number) => (0.5 + Math.random() / 2) * Math.min(0.1 * 2 ** (failures / max), 2),
    });
    const db = drizzlePostgres(sql, { schema, casing: 'snake_case' }) as unknown as Db;
    let ended: Promise<void> | undefined;
    return { db, kind: 'postgres', sql, url: opts.databaseUrl, close: () => (ended ??= sql.end({ timeout: 5 })) };
  }
  let dir: string | undefined;
  if (!opts.inMemory) {
    dir = path.join(opts.dataDir ?? './data', 'pgdata');
    fs.mkdirSync(dir, { recursive: true });
  }
  const pglite = await PGlite.create(dir ? { dataDir: dir } : {});
  const db = drizzlePglite(pglite, { schema, casing: 'snake_case' }) as unknown as Db;
  return { db, kind: 'pglite', pglite, close: async () => (pglite.closed ? undefined : pglite.close()) };
}

// server.ts and the Next.js route bundles load separate copies of this module; the live handle is
// shared through globalThis so both use the same pool (and PGlite is opened exactly once).
const g = globalThis as unknown as { __parleyDb?: DbHandle };

export function setDbHandle(handle: DbHandle | undefined): void {
  g.__parleyDb = handle;
}

export function getDbHandle(): DbHandle {
  if (!g.__parleyDb) throw new Error('The database is not initialised (start Parley with server.ts).');
  return g.__parleyDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

/** Rows of a `db.execute(sql)` result, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

type Unsafe = (query: string, params: unknown[], options: { prepare: boolean }) => Promise<unknown>;

type Internals = { dialect?: { sqlToQuery: (q: SQL) => { sql: string; params: unknown[] } }; session?: { client?: { unsafe?: Unsafe } } };

/**
 * Whether `db` (or a transaction of it) runs on postgres.js, which pipelines: a statement sent
 * before the previous one answered goes out at once, in order, on the same connection.
 */
export function canPipeline(db: Db): boolean {
  return typeof (db as unknown as Internals).session?.client?.unsafe === 'function';
}

/**
 * Runs a hot-path statement as a named prepared statement (postgres.js): Postgres parses it once per
 * connection and, after five runs planned for their own values, keeps one generic plan, instead of
 * parsing and planning it on every call as it does Drizzle's unprepared queries. A statement whose
 * best plan depends on its parameters or on how big a table is must not be cached: the plan is made
 * for the tables as they are then and only an ANALYZE replaces it. `cachePlan: false` sends it
 * unprepared (planned per call; one more round trip: postgres.js asks for the parameter types first).
 * PGlite: as usual.
 */
export async function executePrepared<T>(db: Db, query: SQL, { cachePlan = true } = {}): Promise<T[]> {
  const d = db as unknown as Internals;
  const client = d.session?.client;
  if (d.dialect && client && typeof client.unsafe === 'function') {
    const { sql, params } = d.dialect.sqlToQuery(query);
    return rowsOf<T>(await client.unsafe(sql, params, { prepare: cachePlan }));
  }
  return rowsOf<T>(await db.execute(query));
}

type RawClient = { unsafe?: Unsafe; query?: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> };

/**
 * `db` (usually a transaction) as a plain SQL executor, for libraries that run their own statements
 * and can join the caller's transaction: pg-boss's `send({ db })` creates a job that exists iff the
 * transaction commits.
 */
export function sqlExecutor(db: Db): { executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> } {
  const client = (db as unknown as { session?: { client?: RawClient } }).session?.client;
  if (client?.unsafe) {
    const unsafe = client.unsafe.bind(client);
    return { executeSql: async (text, values = []) => ({ rows: [...((await unsafe(text, values, { prepare: false })) as unknown[])] }) };
  }
  if (client?.query) {
    const query = client.query.bind(client);
    return { executeSql: async (text, values = []) => ({ rows: (await query(text, values)).rows }) };
  }
  throw new Error('sqlExecutor: unknown database driver');
}
