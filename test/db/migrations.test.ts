import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { migrationsList } from '../../src/db/entities';
import { useFreshOrm } from '../helpers/database';

const TABLES = ['users', 'sessions', 'refresh_tokens', 'audit_events', 'user_identities', 'login_codes', 'oidc_flows'];

describe('migrations', () => {
  const fresh = useFreshOrm();
  const knex = () => (fresh.orm.em as unknown as SqlEntityManager).getKnex();
  const present = async () => {
    const found: string[] = [];
    for (const table of TABLES) if (await knex().schema.hasTable(table)) found.push(table);
    return found;
  };
  const executed = async () => (await fresh.orm.getMigrator().getExecutedMigrations()).map((m) => m.name);


  it('creates every table on a fresh database and records every migration', async () => {
    expect(await present()).toEqual(TABLES);
    expect(await executed()).toEqual(migrationsList.map((m) => m.name));
    expect(await fresh.orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('indexes audit_events by time and by user and time', async () => {
    const sql = fresh.url.startsWith('postgres')
      ? `select indexname as name from pg_indexes where tablename = 'audit_events'`
      : `select name from sqlite_master where type = 'index' and tbl_name = 'audit_events'`;
    const rows: Array<{ name: string }> = await fresh.orm.em.getConnection().execute(sql);
    const names = rows.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['audit_events_at_index', 'audit_events_user_id_at_index']));
  });

  it('steps back one migration at a time, to nothing, and up again', async () => {
    const migrator = fresh.orm.getMigrator();
    await migrator.down();
    expect(await present()).toEqual(['users', 'sessions', 'refresh_tokens', 'audit_events']);
    await migrator.down({ to: 0 });
    expect(await present()).toEqual([]);
    expect(await executed()).toEqual([]);
    await migrator.up();
    expect(await present()).toEqual(TABLES);
    expect(await executed()).toEqual(migrationsList.map((m) => m.name));
  });
});
