import { Migration } from '@mikro-orm/migrations';

/**
 * Link tickets and link flows remember the browser that asked (the SHA-256 of its link cookie), so a link URL
 * opened in another browser is refused. Plain ALTER TABLE: SQLite (3.35+) and PostgreSQL both add and drop in place.
 */
export class Migration20261201120000_link_binding extends Migration {
  override up(): void {
    for (const table of ['login_codes', 'oidc_flows']) this.addSql(`alter table ${table} add column binding_hash varchar(64) null`);
  }

  override down(): void {
    for (const table of ['oidc_flows', 'login_codes']) this.addSql(`alter table ${table} drop column binding_hash`);
  }
}
