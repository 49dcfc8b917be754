import { dirname } from 'node:path';
import { ensurePrivateDatabase, ensurePrivateDir } from '../lib/private-files';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseConfig } from '../config';
import { entities, migrationsList } from './entities';
import { releaseIdleAsyncStorage } from './async-context';

export type Orm = MikroORM;

export function ormOptions(db: DatabaseConfig): Options {
  const common: Options = {
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true, silent: true, snapshot: false },
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
  };
  if (db.kind === 'postgresql') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PostgreSqlDriver } = require('@mikro-orm/postgresql') as typeof import('@mikro-orm/postgresql');
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: db.url,
      // Fail fast when the database is away: a short acquire and connect timeout, and a statement timeout.
      pool: { min: 0, max: db.poolMax, acquireTimeoutMillis: 5000 },
      driverOptions: { connection: { statement_timeout: db.statementTimeoutMs, connectionTimeoutMillis: 3000 } },
    };
  }
  // better-sqlite3 runs each statement synchronously (microseconds) instead of queueing it on libuv's
  // thread pool, where it would wait behind argon2 hashes; see README "Benchmark".
  const { BetterSqliteDriver } = require('@mikro-orm/better-sqlite') as typeof import('@mikro-orm/better-sqlite');
  if (db.file !== ':memory:') {
    ensurePrivateDir(dirname(db.file));
    ensurePrivateDatabase(db.file);
  }
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: db.file,
    pool: {
      // WAL lets readers proceed during a write; busy_timeout waits out another process's lock instead of failing.
      afterCreate: (conn: { pragma: (sql: string) => unknown }, done: (err?: Error) => void) => {
        try {
          // synchronous stays FULL unless the operator trades the last commits on power loss for speed.
          for (const pragma of ['journal_mode = WAL', 'busy_timeout = 5000', 'foreign_keys = ON', `synchronous = ${db.synchronous ?? 'FULL'}`]) conn.pragma(pragma);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    },
  };
}

/** Connects and applies pending migrations; the server never syncs the schema from entities. */
export async function initORM(db: DatabaseConfig): Promise<Orm> {
  releaseIdleAsyncStorage();
  const orm = await MikroORM.init(ormOptions(db));
  try {
    await (db.kind === 'postgresql' ? withMigrationLock(db.url, () => orm.getMigrator().up()) : orm.getMigrator().up());
  } catch (err) {
    await orm.close();
    throw err;
  }
  return orm;
}

const MIGRATION_LOCK = 7_412_031_905; // any constant shared by every tokengate instance

/** Instances starting together take turns: the first migrates, the others then find nothing pending. */
async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  // require, not import(): with module node16 the compiled import() stays native, which jest's CommonJS runtime refuses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await work();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
