import { Migration } from '@mikro-orm/migrations';

/** Users, sessions and refresh tokens; written with knex's builder so one file serves SQLite and PostgreSQL. */
export class Migration20261124000000_init extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const ts = { useTz: true, precision: 3 } as const;
    const statements = [
      schema().createTable('users', (t) => {
        t.string('id', 36).primary();
        t.string('username', 32).notNullable();
        t.string('username_key', 32).notNullable().unique();
        t.string('password_hash', 255).notNullable();
        t.string('role', 16).notNullable().defaultTo('USER');
        t.boolean('is_active').notNullable().defaultTo(true);
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('updated_at', ts).notNullable();
      }),
      schema().createTable('sessions', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('last_used_at', ts).notNullable();
        t.timestamp('expires_at', ts).notNullable();
        t.timestamp('auth_time', ts).notNullable();
        t.timestamp('revoked_at', ts).nullable();
        t.string('revoked_reason', 32).nullable();
        t.string('user_agent', 512).nullable();
        t.string('ip', 64).nullable();
        t.index(['user_id'], 'sessions_user_id_index');
      }),
      schema().createTable('refresh_tokens', (t) => {
        t.string('id', 36).primary();
        t.string('session_id', 36).notNullable().references('id').inTable('sessions').onDelete('CASCADE');
        t.string('token_hash', 64).notNullable().unique();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('used_at', ts).nullable();
        t.string('replaced_by_id', 36).nullable();
        t.text('successor_sealed').nullable();
        t.index(['session_id'], 'refresh_tokens_session_id_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const table of ['refresh_tokens', 'sessions', 'users']) this.addSql(`drop table if exists ${table}`);
  }
}
