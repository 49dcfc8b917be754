import { Migration } from '@mikro-orm/migrations';

/**
 * The admin console: users.last_sign_in_at (set when a session opens) with the index that pages by it, and
 * audit_events.actor_id (who acted) with the indexes that keep a filtered audit page and the hourly stats
 * from scanning the trail.
 */
export class Migration20261201170000_admin extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const statements = [
      schema().alterTable('users', (t) => {
        t.timestamp('last_sign_in_at', { useTz: true, precision: 3 }).nullable();
        // Serves LAST_SIGN_IN_DESC both ways: signed-in accounts by (time, id) backwards, then never-signed-in ones by id.
        t.index(['last_sign_in_at', 'id'], 'users_last_sign_in_at_id_index');
      }),
      schema().alterTable('audit_events', (t) => {
        t.string('actor_id', 36).nullable();
        t.index(['actor_id', 'id'], 'audit_events_actor_id_id_index');
        t.index(['user_id', 'id'], 'audit_events_user_id_id_index');
        t.index(['type', 'at'], 'audit_events_type_at_index');
        // A page of one event type, newest first, without sorting every row of that type.
        t.index(['type', 'id'], 'audit_events_type_id_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const index of ['users_last_sign_in_at_id_index', 'audit_events_actor_id_id_index', 'audit_events_user_id_id_index', 'audit_events_type_at_index', 'audit_events_type_id_index']) this.addSql(`drop index if exists ${index}`);
    this.addSql('alter table audit_events drop column actor_id');
    this.addSql('alter table users drop column last_sign_in_at');
  }
}
