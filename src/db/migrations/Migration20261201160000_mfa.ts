import { Migration } from '@mikro-orm/migrations';

/**
 * Second factors: a TOTP secret per account (sealed), its recovery codes (hashed), passkeys, and the
 * short-lived MFA tickets (mfaTokens and WebAuthn challenges) every instance must see. sessions.amr keeps
 * how a session was opened, so refreshed tokens say the same.
 */
export class Migration20261201160000_mfa extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const ts = { useTz: true, precision: 3 } as const;
    const statements = [
      schema().alterTable('sessions', (t) => {
        t.string('amr', 64).nullable();
      }),
      schema().createTable('mfa_totp', (t) => {
        t.string('user_id', 36).primary().references('id').inTable('users').onDelete('CASCADE');
        t.string('secret_sealed', 200).notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('confirmed_at', ts).nullable();
        // The highest 30-second step a code was accepted for: a code is good once.
        t.bigInteger('last_step').notNullable().defaultTo(0);
      }),
      schema().createTable('mfa_recovery_codes', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('code_hash', 64).notNullable().unique();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('used_at', ts).nullable();
        t.index(['user_id'], 'mfa_recovery_codes_user_id_index');
      }),
      schema().createTable('passkeys', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('credential_id', 512).notNullable().unique();
        t.text('public_key').notNullable();
        t.bigInteger('counter').notNullable().defaultTo(0);
        t.string('transports', 200).nullable();
        t.boolean('backed_up').notNullable().defaultTo(false);
        t.string('name', 64).notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('last_used_at', ts).nullable();
        t.index(['user_id'], 'passkeys_user_id_index');
      }),
      schema().createTable('mfa_tickets', (t) => {
        t.string('id', 36).primary();
        t.string('kind', 16).notNullable();
        t.string('secret_hash', 64).notNullable().unique();
        t.string('user_id', 36).nullable().references('id').inTable('users').onDelete('CASCADE');
        t.string('first_factor', 16).nullable();
        t.string('binding', 64).nullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('expires_at', ts).notNullable();
        t.index(['expires_at'], 'mfa_tickets_expires_at_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const table of ['mfa_tickets', 'passkeys', 'mfa_recovery_codes', 'mfa_totp']) this.addSql(`drop table if exists ${table}`);
    this.addSql('alter table sessions drop column amr');
  }
}
