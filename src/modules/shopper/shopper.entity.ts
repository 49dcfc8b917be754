import { Collection, EntitySchema, PrimaryKeyProp } from '@mikro-orm/core';
import type { CartItem } from '../cart/cart-item.entity';
import type { Wishlist } from '../wishlist/wishlist.entity';

/**
 * A user's shop record, created by their first cart or wishlist change: it owns the cart lines and the
 * wishlists, holds the cart's change time, and its row is the per-user lock every shop write takes first.
 */
export class Shopper {
  [PrimaryKeyProp]?: 'userId';
  /** The user's id: one shopper per user, deleted with the user. */
  userId: string;
  createdAt: Date;
  cartUpdatedAt: Date;
  cartItems = new Collection<CartItem>(this);
  wishlists = new Collection<Wishlist>(this);

  constructor(userId: string, now: Date) {
    this.userId = userId;
    this.createdAt = now;
    this.cartUpdatedAt = now;
  }
}

export const ShopperSchema = new EntitySchema<Shopper>({
  class: Shopper,
  tableName: 'shoppers',
  properties: {
    // A plain key column; the foreign key to users (ON DELETE CASCADE) is in the migration. Rows are created by
    // ShopperService.lock's upsert, never by the unit of work (which would not know to insert the user first).
    userId: { type: 'string', primary: true, length: 36, fieldName: 'user_id' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    cartUpdatedAt: { type: 'Date', fieldName: 'cart_updated_at' },
    cartItems: { kind: '1:m', entity: 'CartItem', mappedBy: 'shopper' },
    wishlists: { kind: '1:m', entity: 'Wishlist', mappedBy: 'shopper' },
  },
});
