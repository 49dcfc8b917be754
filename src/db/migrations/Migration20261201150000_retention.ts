import { Migration } from '@mikro-orm/migrations';

/** Indexes the retention job's conditions use, so each small batch finds its rows without scanning the table. */
export class Migration20261201150000_retention extends Migration {
  override up(): void {
    const statements = [
      this.getKnex().schema.alterTable('sessions', (t) => {
        t.index(['expires_at'], 'sessions_expires_at_index');
        t.index(['revoked_at'], 'sessions_revoked_at_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const index of ['sessions_expires_at_index', 'sessions_revoked_at_index']) this.addSql(`drop index if exists ${index}`);
  }
}
