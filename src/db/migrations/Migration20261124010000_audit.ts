import { Migration } from '@mikro-orm/migrations';

/** The audit trail; plain id columns without foreign keys, so events outlive the users and sessions they name. */
export class Migration20261124010000_audit extends Migration {
  override up(): void {
    const builder = this.getKnex().schema.createTable('audit_events', (t) => {
      t.string('id', 36).primary();
      t.string('type', 32).notNullable();
      t.timestamp('at', { useTz: true, precision: 3 }).notNullable();
      t.string('user_id', 36).nullable();
      t.string('session_id', 36).nullable();
      t.string('ip', 64).nullable();
      t.string('user_agent', 512).nullable();
      t.text('detail').nullable();
      t.index(['at'], 'audit_events_at_index');
      t.index(['user_id', 'at'], 'audit_events_user_id_at_index');
    });
    for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    this.addSql('drop table if exists audit_events');
  }
}
