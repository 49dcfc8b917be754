import { EntitySchema, type Ref } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { Product } from '../product/product.entity';
import { Shopper } from '../shopper/shopper.entity';

/** One line of a cart: a product and how many. Unique per (shopper, product), so a product is never on two lines. */
export class CartItem {
  id: string = uuidv7();
  shopper!: Ref<Shopper>;
  product!: Product;
  quantity!: number;
  addedAt!: Date;
}

export const CartItemSchema = new EntitySchema<CartItem>({
  class: CartItem,
  tableName: 'cart_items',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    shopper: { kind: 'm:1', entity: () => Shopper, ref: true, fieldName: 'user_id', deleteRule: 'cascade' },
    product: { kind: 'm:1', entity: () => Product, fieldName: 'product_id', deleteRule: 'cascade' },
    quantity: { type: 'integer' },
    addedAt: { type: 'Date', fieldName: 'added_at' },
  },
  uniques: [{ properties: ['shopper', 'product'], name: 'cart_items_user_id_product_id_unique' }],
});
