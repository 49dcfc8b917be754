import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in with OpenID Connect: linked identities, one-time login codes and link tickets, and authorization
 * requests in flight. users.password_hash stays NOT NULL: an account without a password stores '' there
 * (SQLite cannot drop a NOT NULL in place without rebuilding the table, which would cascade to sessions).
 */
export class Migration20261130020000_oidc extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const ts = { useTz: true, precision: 3 } as const;
    const statements = [
      schema().createTable('user_identities', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('provider', 32).notNullable();
        t.string('subject', 255).notNullable();
        t.string('email', 320).nullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('last_used_at', ts).notNullable();
        t.unique(['provider', 'subject'], { indexName: 'user_identities_provider_subject_unique' });
        t.index(['user_id'], 'user_identities_user_id_index');
      }),
      schema().createTable('login_codes', (t) => {
        t.string('id', 36).primary();
        t.string('code_hash', 64).notNullable().unique();
        t.string('purpose', 8).notNullable();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('session_id', 36).nullable();
        t.string('provider', 32).notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('expires_at', ts).notNullable();
        t.index(['expires_at'], 'login_codes_expires_at_index');
        t.index(['user_id'], 'login_codes_user_id_index');
      }),
      schema().createTable('oidc_flows', (t) => {
        t.string('id', 36).primary();
        t.string('state_hash', 64).notNullable().unique();
        t.string('provider', 32).notNullable();
        t.string('nonce', 128).notNullable();
        t.string('code_verifier', 128).notNullable();
        t.text('redirect').notNullable();
        t.string('delivery', 8).notNullable();
        t.string('link_user_id', 36).nullable().references('id').inTable('users').onDelete('CASCADE');
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('expires_at', ts).notNullable();
        t.timestamp('used_at', ts).nullable();
        t.index(['expires_at'], 'oidc_flows_expires_at_index');
        t.index(['link_user_id'], 'oidc_flows_link_user_id_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const table of ['oidc_flows', 'login_codes', 'user_identities']) this.addSql(`drop table if exists ${table}`);
  }
}
