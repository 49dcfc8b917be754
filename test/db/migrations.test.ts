import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { migrationsList } from '../../src/db/entities';
import { useFreshOrm } from '../helpers/database';

const AUTH_TABLES = ['users', 'sessions', 'refresh_tokens'];
const SHOP_TABLES = ['products', 'shoppers', 'cart_items', 'wishlists', 'wishlist_items'];
const OIDC_TABLES = ['user_identities', 'login_codes', 'oidc_flows'];
const ACCESS_TABLES = ['roles', 'role_permissions', 'user_roles', 'api_tokens'];
const EMAIL_TABLES = ['email_tokens', 'mail_outbox'];
const MFA_TABLES = ['mfa_totp', 'mfa_recovery_codes', 'passkeys', 'mfa_tickets'];
const TABLES = [...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES, ...ACCESS_TABLES, ...EMAIL_TABLES, 'dpop_proofs', ...MFA_TABLES];

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

  it('seeds a few dozen products, each with a valid price and currency', async () => {
    const rows: Array<{ name: string; name_key: string; price_cents: number; currency: string }> = await knex()('products').select();
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const row of rows) {
      expect(row.name_key).toBe(row.name.toLowerCase());
      expect(row.price_cents).toBeGreaterThan(0);
      expect(row.currency).toBe('EUR');
    }
  });

  it('seeds the built-in roles USER and ADMIN, and indexes API tokens by hash', async () => {
    const roles: Array<{ name: string; built_in: unknown }> = await knex()('roles').select('name', 'built_in').orderBy('name');
    expect(roles.map((r) => [r.name, Boolean(r.built_in)])).toEqual([['ADMIN', true], ['USER', true]]);
    const sql = fresh.url.startsWith('postgres')
      ? `select indexdef as def from pg_indexes where tablename = 'api_tokens'`
      : `select sql as def from sqlite_master where type = 'index' and tbl_name = 'api_tokens' and sql is not null`;
    const defs = ((await fresh.orm.em.getConnection().execute(sql)) as Array<{ def: string }>).map((r) => r.def).join('\n');
    expect(defs).toMatch(/token_hash/);
    expect(defs).toMatch(/user_id/);
  });

  it('steps back one migration at a time, to nothing, and up again', async () => {
    const migrator = fresh.orm.getMigrator();
    await migrator.down(); // the admin console's columns and indexes
    expect(await knex().schema.hasColumn('users', 'last_sign_in_at')).toBe(false);
    expect(await knex().schema.hasColumn('audit_events', 'actor_id')).toBe(false);
    expect(await knex().schema.hasColumn('users', 'email')).toBe(true);
    await migrator.down(); // second factors
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES, ...ACCESS_TABLES, ...EMAIL_TABLES, 'dpop_proofs']);
    await migrator.down(); // product search indexes
    await migrator.down(); // retention indexes
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES, ...ACCESS_TABLES, ...EMAIL_TABLES, 'dpop_proofs']);
    await migrator.down(); // DPoP
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES, ...ACCESS_TABLES, ...EMAIL_TABLES]);
    expect(await knex().schema.hasColumn('sessions', 'dpop_jkt')).toBe(false);
    await migrator.down(); // e-mail
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES, ...ACCESS_TABLES]);
    const columns = Object.keys(await knex()('users').columnInfo());
    expect(columns.filter((c) => c.startsWith('email'))).toEqual([]);
    expect(await knex().schema.hasColumn('login_codes', 'binding_hash')).toBe(true);
    await migrator.down(); // link binding
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES, ...ACCESS_TABLES]);
    expect(await knex().schema.hasColumn('login_codes', 'binding_hash')).toBe(false);
    expect(await knex().schema.hasColumn('oidc_flows', 'binding_hash')).toBe(false);
    await migrator.down();
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES, ...OIDC_TABLES]);
    await migrator.down();
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES]);
    await migrator.down();
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events', ...SHOP_TABLES]);
    expect(Number((await knex()('products').count({ n: '*' }))[0].n)).toBe(0);
    await migrator.down();
    expect(await present()).toEqual([...AUTH_TABLES, 'audit_events']);
    await migrator.down();
    expect(await present()).toEqual(AUTH_TABLES);
    await migrator.down({ to: 0 });
    expect(await present()).toEqual([]);
    expect(await executed()).toEqual([]);
    await migrator.up();
    expect(await present()).toEqual(TABLES);
    expect(await executed()).toEqual(migrationsList.map((m) => m.name));
  });
});
