import { Migration } from '@mikro-orm/migrations';

/**
 * DPoP (RFC 9449): the key a session is bound to, and the replay cache's table for PostgreSQL without Redis
 * (SQLite keeps it in memory; the table exists there too so both databases share one schema).
 */
export class Migration20261201140000_dpop extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const statements = [
      schema().alterTable('sessions', (t) => {
        t.string('dpop_jkt', 64).nullable();
      }),
      schema().createTable('dpop_proofs', (t) => {
        t.string('key', 64).primary();
        t.timestamp('expires_at', { useTz: true, precision: 3 }).notNullable();
        t.index(['expires_at'], 'dpop_proofs_expires_at_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    this.addSql('drop table if exists dpop_proofs');
    // SQLite 3.35+ drops a nullable column in place, like PostgreSQL.
    this.addSql('alter table sessions drop column dpop_jkt');
  }
}
