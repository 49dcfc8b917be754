import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { nameKey } from '../../lib/text';

/** One catalogue entry. Prices are integer minor units (cents) of `currency`. */
export class Product {
  id: string = uuidv7();
  name: string;
  /** Lower-cased name: what `products(search:)` matches against, the same way on every database. */
  nameKey: string;
  description: string;
  priceCents: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  createdAt: Date;
  updatedAt: Date;

  constructor(init: { name: string; description: string; priceCents: number; currency: string; now: Date }) {
    this.name = init.name;
    this.nameKey = nameKey(init.name);
    this.description = init.description;
    this.priceCents = init.priceCents;
    this.currency = init.currency;
    this.createdAt = init.now;
    this.updatedAt = init.now;
  }
}

export const ProductSchema = new EntitySchema<Product>({
  class: Product,
  tableName: 'products',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    name: { type: 'string', length: 200 },
    nameKey: { type: 'text', fieldName: 'name_key' },
    description: { type: 'text' },
    priceCents: { type: 'integer', fieldName: 'price_cents' },
    currency: { type: 'string', length: 3 },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    updatedAt: { type: 'Date', fieldName: 'updated_at' },
  },
});
