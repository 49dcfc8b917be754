import { Migration } from '@mikro-orm/migrations';

/**
 * The shop: products, and per user a shopper row owning cart lines and wishlists. Unique keys make a product
 * appear once per cart and per wishlist and a wishlist name once per user; check constraints back the limits
 * the services enforce. Every row of a user goes with the user (ON DELETE CASCADE), every line of a product
 * with the product.
 */
export class Migration20261130000000_shop extends Migration {
  override up(): void {
    const schema = () => this.getKnex().schema; // a fresh builder per table: one accumulates statements
    const ts = { useTz: true, precision: 3 } as const;
    const statements = [
      schema().createTable('products', (t) => {
        t.string('id', 36).primary();
        t.string('name', 200).notNullable();
        t.text('name_key').notNullable();
        t.text('description').notNullable();
        t.integer('price_cents').notNullable().checkBetween([0, 100_000_000], 'products_price_cents_check');
        t.string('currency', 3).notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('updated_at', ts).notNullable();
      }),
      schema().createTable('shoppers', (t) => {
        t.string('user_id', 36).primary().references('id').inTable('users').onDelete('CASCADE');
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('cart_updated_at', ts).notNullable();
      }),
      schema().createTable('cart_items', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('user_id').inTable('shoppers').onDelete('CASCADE');
        t.string('product_id', 36).notNullable().references('id').inTable('products').onDelete('CASCADE');
        t.integer('quantity').notNullable().checkBetween([1, 99], 'cart_items_quantity_check');
        t.timestamp('added_at', ts).notNullable();
        t.unique(['user_id', 'product_id'], { indexName: 'cart_items_user_id_product_id_unique' });
        t.index(['product_id'], 'cart_items_product_id_index');
      }),
      schema().createTable('wishlists', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().references('user_id').inTable('shoppers').onDelete('CASCADE');
        t.string('name', 80).notNullable();
        t.text('name_key').notNullable();
        t.timestamp('created_at', ts).notNullable();
        t.timestamp('updated_at', ts).notNullable();
        t.unique(['user_id', 'name_key'], { indexName: 'wishlists_user_id_name_key_unique' });
      }),
      schema().createTable('wishlist_items', (t) => {
        t.string('id', 36).primary();
        t.string('wishlist_id', 36).notNullable().references('id').inTable('wishlists').onDelete('CASCADE');
        t.string('product_id', 36).notNullable().references('id').inTable('products').onDelete('CASCADE');
        t.timestamp('added_at', ts).notNullable();
        t.unique(['wishlist_id', 'product_id'], { indexName: 'wishlist_items_wishlist_id_product_id_unique' });
        t.index(['product_id'], 'wishlist_items_product_id_index');
      }),
    ];
    for (const builder of statements) for (const { sql } of builder.toSQL()) this.addSql(sql);
  }

  override down(): void {
    for (const table of ['wishlist_items', 'wishlists', 'cart_items', 'shoppers', 'products']) this.addSql(`drop table if exists ${table}`);
  }
}
