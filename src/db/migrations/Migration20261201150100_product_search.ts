import { Migration } from '@mikro-orm/migrations';

/**
 * Product search without a table scan, with the answers of `name_key LIKE '%…%'`: on PostgreSQL a trigram GIN index
 * that the same LIKE uses (pg_trgm, a trusted extension: the database owner may create it); on SQLite an FTS5 table
 * with the trigram tokenizer over name_key, kept in step by triggers (substring MATCH for 3+ characters).
 */
export class Migration20261201150100_product_search extends Migration {
  override up(): void {
    if (this.getKnex().client.config.client === 'pg' || this.getKnex().client.dialect === 'postgresql') {
      this.addSql('create extension if not exists pg_trgm');
      this.addSql('create index products_name_key_trgm_index on products using gin (name_key gin_trgm_ops)');
      return;
    }
    this.addSql(`create virtual table products_fts using fts5(name_key, content='products', content_rowid='rowid', tokenize='trigram')`);
    this.addSql('insert into products_fts(rowid, name_key) select rowid, name_key from products');
    this.addSql('create trigger products_fts_insert after insert on products begin insert into products_fts(rowid, name_key) values (new.rowid, new.name_key); end');
    this.addSql(`create trigger products_fts_delete after delete on products begin insert into products_fts(products_fts, rowid, name_key) values ('delete', old.rowid, old.name_key); end`);
    this.addSql(
      `create trigger products_fts_update after update of name_key on products begin ` +
        `insert into products_fts(products_fts, rowid, name_key) values ('delete', old.rowid, old.name_key); ` +
        `insert into products_fts(rowid, name_key) values (new.rowid, new.name_key); end`,
    );
  }

  override down(): void {
    if (this.getKnex().client.config.client === 'pg' || this.getKnex().client.dialect === 'postgresql') {
      this.addSql('drop index if exists products_name_key_trgm_index');
      return;
    }
    for (const trigger of ['products_fts_insert', 'products_fts_delete', 'products_fts_update']) this.addSql(`drop trigger if exists ${trigger}`);
    this.addSql('drop table if exists products_fts');
  }
}
