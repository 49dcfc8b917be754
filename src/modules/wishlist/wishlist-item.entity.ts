import { EntitySchema, type Ref } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { Product } from '../product/product.entity';
import { Wishlist } from './wishlist.entity';

/** A product on a wishlist; unique per (wishlist, product), so adding it twice changes nothing. */
export class WishlistItem {
  id: string = uuidv7();
  wishlist!: Ref<Wishlist>;
  product!: Product;
  addedAt!: Date;
}

export const WishlistItemSchema = new EntitySchema<WishlistItem>({
  class: WishlistItem,
  tableName: 'wishlist_items',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    wishlist: { kind: 'm:1', entity: () => Wishlist, ref: true, fieldName: 'wishlist_id', deleteRule: 'cascade' },
    product: { kind: 'm:1', entity: () => Product, fieldName: 'product_id', deleteRule: 'cascade' },
    addedAt: { type: 'Date', fieldName: 'added_at' },
  },
  uniques: [{ properties: ['wishlist', 'product'], name: 'wishlist_items_wishlist_id_product_id_unique' }],
});
