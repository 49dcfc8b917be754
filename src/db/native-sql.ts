import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import type { DatabaseConfig } from '../config';

/** A hot-path statement: SQL written once with `?` placeholders, prepared once per connection. */
export interface Statement {
  /** Names the PostgreSQL prepared statement; unique per SQL text. */
  readonly name: string;
  readonly sql: string;
  readonly pgSql: string;
}

/** Explicit column lists only: a named statement over `*` breaks when a later migration adds a column. */
export function statement(name: string, sql: string): Statement {
  let n = 0;
  return { name, sql, pgSql: sql.replace(/\?/g, () => `$${++n}`) };
}

/** A statement only PostgreSQL runs, written with its own `$n` placeholders. */
export const pgStatement = (name: string, pgSql: string): Statement => ({ name, sql: '', pgSql });

/** The part of better-sqlite3 the hot path uses. */
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}
export interface SqliteDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate(): T };
}
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
/** knex's connection pool (tarn), as far as it is public. */
interface Pool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}
interface PoolClient {
  pool?: Pool;
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<void>;
}

/**
 * Runs a few fixed statements on the driver's own connection, borrowed from the ORM's pool (so a
 * transaction in flight there is waited for) and given back: no query building, no entity hydration.
 * Driver errors are converted as the ORM converts them, so retries and the 503 mapping still apply.
 */
export class NativeSql {
  private readonly prepared = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();
  /** The SQLite connection last borrowed, with its pool: used directly while nobody holds it. */
  private sqliteConn?: { pool: Pool; db: SqliteDatabase };
  /** Write transactions waiting for this turn of the event loop's shared commit. */
  private queued: Array<{ work: (prepare: (stmt: Statement) => SqliteStatement) => unknown; done: (err: unknown, value?: unknown) => void }> = [];

  constructor(readonly dialect: DatabaseConfig['kind'], private readonly getEm: () => EntityManager) {}

  /** The first row of a read statement, or undefined. */
  get<Row>(stmt: Statement, params: unknown[]): Promise<Row | undefined> {
    if (this.dialect === 'postgresql') {
      // A named statement: pg parses it once per connection, and again on a new one after a reconnect.
      const query = { name: stmt.name, text: stmt.pgSql, values: params };
      return this.borrow<PgClient, Row | undefined>(this.getEm(), async (client) => (await client.query(query)).rows[0] as Row | undefined);
    }
    return this.sqlite((prepare) => prepare(stmt).get(...params.map(sqliteValue)) as Row | undefined);
  }

  /** SQLite: runs `work` synchronously on the pool's connection, so no other statement runs in between. */
  sqlite<T>(work: (prepare: (stmt: Statement) => SqliteStatement, db: SqliteDatabase) => T): Promise<T> {
    const em = this.getEm();
    const client = poolClient(em);
    const idle = this.sqliteConn;
    // Nobody holds the one connection, so no transaction is open on it: a synchronous statement needs no acquire.
    if (idle && idle.pool === client.pool && idle.db.open && !idle.db.inTransaction && isIdle(idle.pool)) {
      try {
        return Promise.resolve(work((stmt) => this.prepare(idle.db, stmt), idle.db));
      } catch (err) {
        return Promise.reject(convert(em, err));
      }
    }
    return this.borrow<SqliteDatabase, T>(em, (db) => {
      if (client.pool) this.sqliteConn = { pool: client.pool, db };
      return work((stmt) => this.prepare(db, stmt), db);
    });
  }

  /**
   * SQLite: runs `work` in a transaction shared with the work queued in the same turn of the event loop, so they
   * share one commit (one fsync). Each runs in its own savepoint: a throw undoes only its own writes. Resolves
   * after the commit.
   */
  sqliteTransaction<T>(work: (prepare: (stmt: Statement) => SqliteStatement) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (err: unknown, value?: unknown) => (err === undefined ? resolve(value as T) : reject(err));
      if (this.queued.push({ work, done }) === 1) setImmediate(() => this.commitQueued());
    });
  }

  private commitQueued(): void {
    const batch = this.queued;
    this.queued = [];
    const em = this.getEm();
    this.sqlite((prepare, db) =>
      db
        .transaction(() =>
          batch.map(({ work }) => {
            try {
              return { value: db.transaction(() => work(prepare)).immediate() }; // nested: a savepoint
            } catch (err) {
              return { err: convert(em, err) };
            }
          }),
        )
        .immediate(),
    ).then(
      (outcomes) => outcomes.forEach((o, i) => ('err' in o ? batch[i].done(o.err) : batch[i].done(undefined, o.value))),
      (err: unknown) => batch.forEach((b) => b.done(err)),
    );
  }

  private prepare(db: SqliteDatabase, stmt: Statement): SqliteStatement {
    let cache = this.prepared.get(db);
    if (!cache) this.prepared.set(db, (cache = new Map()));
    let prepared = cache.get(stmt.name);
    if (!prepared) cache.set(stmt.name, (prepared = db.prepare(stmt.sql)));
    return prepared;
  }

  private async borrow<C, T>(em: EntityManager, use: (conn: C) => T | Promise<T>): Promise<T> {
    const client = poolClient(em);
    let conn: C | undefined;
    try {
      conn = (await client.acquireConnection()) as C;
      return await use(conn);
    } catch (err) {
      throw convert(em, err);
    } finally {
      // A connection that broke meanwhile is marked by knex and dropped by the pool on its next acquire.
      if (conn !== undefined) void client.releaseConnection(conn);
    }
  }
}

const poolClient = (em: EntityManager) => (em.getConnection() as AbstractSqlConnection).getKnex().client as PoolClient;
const isIdle = (pool: Pool) => pool.numUsed() === 0 && pool.numFree() === 1 && pool.numPendingAcquires() === 0 && pool.numPendingCreates() === 0;
/**
 * Driver errors (they carry a code) become the ORM's exceptions; anything else, our own included, passes unchanged.
 * Duck-typed: better-sqlite3's native part may build its errors from another realm's Error (jest's module sandboxes).
 */
const convert = (em: EntityManager, err: unknown) => {
  const e = err as { code?: unknown; message?: unknown } | null;
  return typeof e?.code === 'string' && typeof e.message === 'string' ? em.getDriver().convertException(err as Error) : err;
};

/** SQLite stores what MikroORM writes: dates as epoch milliseconds, booleans as 0/1. */
export const sqliteValue = (v: unknown): unknown => (v instanceof Date ? v.getTime() : typeof v === 'boolean' ? Number(v) : v);

/** Reads a timestamp column: epoch milliseconds (SQLite) or text (PostgreSQL, as MikroORM configures pg). */
export const toDate = (v: unknown): Date => new Date(v as number | string);
export const toDateOrNull = (v: unknown): Date | null => (v == null ? null : toDate(v));
