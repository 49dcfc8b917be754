import { Migration } from '@mikro-orm/migrations';

/** API tokens remember whether they were minted from a session opened with a second factor (MFA_REQUIRED_FOR). */
export class Migration20261201180000_api_token_second_factor extends Migration {
  override up(): void {
    const builder = this.getKnex().schema.alterTable('api_tokens', (t) => {
      t.boolean('second_factor').notNullable().defaultTo(false);
    });
    for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    // Plain SQL: SQLite (3.35+) and PostgreSQL both drop a column in place; knex's SQLite path rebuilds the table.
    this.addSql('alter table api_tokens drop column second_factor');
  }
}
