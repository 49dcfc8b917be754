import { MikroORM } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { loadConfig, type DatabaseConfig } from '../config';
import { initORM, ormOptions } from '../db/orm';

/**
 * The migration names the database already records. Read without creating the migrations table:
 * initORM creates it under the instances' shared lock.
 */
async function recordedMigrations(db: DatabaseConfig): Promise<Set<string>> {
  const orm = await MikroORM.init(ormOptions(db));
  try {
    const knex = (orm.em as unknown as SqlEntityManager).getKnex();
    const table = orm.config.get('migrations').tableName!;
    if (!(await knex.schema.hasTable(table))) return new Set();
    const rows: Array<{ name: string }> = await knex.select('name').from(table);
    return new Set(rows.map((r) => r.name));
  } finally {
    await orm.close();
  }
}

/** `npm run migrate`: applies pending migrations and exits, for operators who migrate as a separate step. */
async function main(): Promise<void> {
  const config = loadConfig();
  const before = await recordedMigrations(config.database);
  const orm = await initORM(config.database);
  const executed = await orm.getMigrator().getExecutedMigrations();
  await orm.close();
  const applied = executed.map((m) => m.name).filter((name) => !before.has(name));
  process.stdout.write(applied.length > 0 ? `migrations applied: ${applied.join(', ')}\n` : 'database is up to date: no pending migrations\n');
}

main().catch((err) => {
  process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
