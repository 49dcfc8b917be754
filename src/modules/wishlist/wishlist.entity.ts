import { randomUUID } from 'node:crypto';
import { Collection, EntitySchema, type Ref } from '@mikro-orm/core';
import { nameKey } from '../../lib/text';
import { Shopper } from '../shopper/shopper.entity';
import type { WishlistItem } from './wishlist-item.entity';

/** A named list of products. Its id is a random UUID (v4): it reveals neither a count nor a creation time. */
export class Wishlist {
  id: string = randomUUID();
  shopper!: Ref<Shopper>;
  name!: string;
  /** Lower-cased name: unique per shopper, so names differ regardless of case. */
  nameKey!: string;
  createdAt!: Date;
  updatedAt!: Date;
  items = new Collection<WishlistItem>(this);

  rename(name: string, now: Date): void {
    this.name = name;
    this.nameKey = nameKey(name);
    this.updatedAt = now;
  }
}

export const WishlistSchema = new EntitySchema<Wishlist>({
  class: Wishlist,
  tableName: 'wishlists',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    shopper: { kind: 'm:1', entity: () => Shopper, ref: true, fieldName: 'user_id', deleteRule: 'cascade' },
    name: { type: 'string', length: 80 },
    nameKey: { type: 'text', fieldName: 'name_key' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    updatedAt: { type: 'Date', fieldName: 'updated_at' },
    items: { kind: '1:m', entity: 'WishlistItem', mappedBy: 'wishlist' },
  },
  uniques: [{ properties: ['shopper', 'nameKey'], name: 'wishlists_user_id_name_key_unique' }],
});
