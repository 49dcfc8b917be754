import { Migration } from '@mikro-orm/migrations';

/**
 * E-mail on the account (unique regardless of case through email_key), single-use e-mail tokens (verify,
 * reset, change; only their hash), and the mail outbox the worker sends from.
 */
export class Migration20261201130000_email extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const ts = { useTz: true, precision: 3 } as const;
    const statements = [
      schema().alterTable('users', (t) => {
        t.string('email', 254).nullable();
        t.string('email_key', 254).nullable().unique({ indexName: 'users_email_key_unique' });
        t.boolean('email_verified').notNullable().defaultTo(false);
      }),
      schema().createTable('email_tokens', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('purpose', 8).notNullable();
        t.string('token_hash', 64).notNullable().unique();
        t.string('email_key', 254).notNullable();
        t.string('email', 254).notNullable();
        t.string('password_tag', 16).notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('expires_at', ts).notNullable();
        t.timestamp('ended_at', ts).nullable();
        t.string('ended_reason', 12).nullable();
        t.index(['user_id', 'purpose'], 'email_tokens_user_id_purpose_index');
        t.index(['expires_at'], 'email_tokens_expires_at_index');
      }),
      schema().createTable('mail_outbox', (t) => {
        t.string('id', 36).primary();
        t.string('template', 40).notNullable();
        t.string('user_id', 36).nullable();
        t.text('payload').nullable();
        t.string('status', 8).notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.timestamp('next_attempt_at', ts).notNullable();
        t.string('last_error', 200).nullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('sent_at', ts).nullable();
        t.index(['status', 'next_attempt_at'], 'mail_outbox_status_next_attempt_at_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const table of ['mail_outbox', 'email_tokens']) this.addSql(`drop table if exists ${table}`);
    // SQLite keeps the unique index beside the column and refuses the drop; PostgreSQL drops its constraint with it.
    if (this.driver.getPlatform().constructor.name !== 'PostgreSqlPlatform') this.addSql('drop index if exists users_email_key_unique');
    for (const column of ['email_verified', 'email_key', 'email']) this.addSql(`alter table users drop column ${column}`);
  }
}
