import { Migration } from '@mikro-orm/migrations';

const CREATED_AT = new Date('2026-12-01T00:00:00.000Z');

/**
 * Permissions: roles (USER and ADMIN built in), each custom role's permissions, the custom roles accounts
 * hold, and personal API tokens. Holding ADMIN stays in users.role, which the viewer lookup already reads.
 */
export class Migration20261201000000_access extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const ts = { useTz: true, precision: 3 } as const;
    const statements = [
      schema().createTable('roles', (t) => {
        t.string('name', 40).primary();
        t.string('description', 200).nullable();
        t.boolean('built_in').notNullable().defaultTo(false);
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('updated_at', ts).notNullable();
      }),
      schema().createTable('role_permissions', (t) => {
        t.string('role', 40).notNullable().references('name').inTable('roles').onDelete('CASCADE');
        t.string('permission', 64).notNullable();
        t.primary(['role', 'permission']);
        t.index(['permission'], 'role_permissions_permission_index');
      }),
      schema().createTable('user_roles', (t) => {
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        // RESTRICT: a role someone holds cannot be deleted (deleteRole answers ROLE_IN_USE first).
        t.string('role', 40).notNullable().references('name').inTable('roles').onDelete('RESTRICT');
        t.timestamp('granted_at', ts).notNullable();
        t.string('granted_by', 36).nullable();
        t.primary(['user_id', 'role']);
        t.index(['role'], 'user_roles_role_index');
      }),
      schema().createTable('api_tokens', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('name', 80).notNullable();
        t.string('token_hash', 64).notNullable().unique();
        t.string('prefix', 16).notNullable();
        t.text('scopes').notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('expires_at', ts).notNullable();
        t.timestamp('last_used_at', ts).nullable();
        t.string('last_ip', 64).nullable();
        t.timestamp('revoked_at', ts).nullable();
        t.index(['user_id'], 'api_tokens_user_id_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
    // A query builder, not text: the driver writes booleans and dates the way its database stores them.
    const builtIn = (name: string, description: string) => ({ name, description, built_in: true, created_at: CREATED_AT, updated_at: CREATED_AT });
    this.addSql(
      this.getKnex()('roles').insert([
        builtIn('USER', 'Every account: its own profile, cart, wishlists, sessions and API tokens.'),
        builtIn('ADMIN', 'Every permission, including ones added in later releases.'),
      ]),
    );
  }

  override down(): void {
    for (const table of ['api_tokens', 'user_roles', 'role_permissions', 'roles']) this.addSql(`drop table if exists ${table}`);
  }
}
