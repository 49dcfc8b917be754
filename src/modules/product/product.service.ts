import { LockMode, raw, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { BadUserInputError, NotFoundError } from '../../errors';
import type { ProductInput } from '../../generated/graphql';
import { withRetry } from '../../db/retry';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { checkFirst, decodeCursor } from '../../lib/pagination';
import { containsPattern, nameKey } from '../../lib/text';
import type { AuditService } from '../audit/audit.service';
import type { Actor } from '../user/user.service';
import type { LiveService } from '../live/live.service';
import { Product } from './product.entity';
import { NAME_MAX, productFields, type ProductFields } from './product.input';

export const PRODUCT_CURSOR = 'product';

export interface ProductPage {
  products: Product[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Runs once the change is committed (live notifications must not announce what may still roll back). */
export type AfterCommit = () => void;

/** What modules holding products (carts, wishlists) do about a catalogue change, inside its transaction. */
export interface CatalogueHooks {
  /** May refuse a change (a currency or price a cart cannot take); `product` still has its old values. */
  beforeUpdate?(tx: EntityManager, product: Product, next: ProductFields, now: Date): Promise<void | AfterCommit>;
  /** Runs before the product's row, and with it every line that holds it, is deleted. */
  beforeDelete?(tx: EntityManager, product: Product, now: Date): Promise<void | AfterCommit>;
}

/** The public catalogue, and its management by admins. */
export class ProductService {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly hooks: CatalogueHooks[],
    private readonly live: LiveService,
    private readonly database: 'sqlite' | 'postgresql' = 'sqlite',
  ) {}

  /** Oldest first, like `users`; `search` matches anywhere in the name, in any letter case. */
  async page(em: EntityManager, first: number, after: string | null | undefined, search: string | null | undefined): Promise<ProductPage> {
    checkFirst(first);
    const afterId = after == null ? null : decodeCursor(PRODUCT_CURSOR, after);
    const matching = searchFilter(search, this.database);
    const [rows, totalCount] = await Promise.all([
      em.find(Product, { $and: [matching(), afterId ? { id: { $gt: afterId } } : {}] }, { orderBy: { id: 'asc' }, limit: first + 1 }),
      em.count(Product, matching()),
    ]);
    return { products: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }

  /** The product, or null for an unknown id. */
  find(em: EntityManager, id: string): Promise<Product | null> {
    return isUuid(id) ? em.findOne(Product, { id }) : Promise.resolve(null);
  }

  async create(em: EntityManager, actor: Actor, input: ProductInput): Promise<Product> {
    const product = new Product({ ...productFields(input), now: this.clock.now() });
    await withRetry(() => em.persist(product).flush());
    this.audit.record({ type: 'PRODUCT_CREATED', userId: actor.user?.id, actorId: actor.user?.id, ...actor.meta, detail: { productId: product.id } });
    return product;
  }

  /** Replaces the product's fields; an omitted description or currency stays as it is. */
  async update(em: EntityManager, actor: Actor, id: string, input: ProductInput): Promise<Product> {
    const after: AfterCommit[] = [];
    const { product, changed } = await withRetry(() =>
      em.transactional(async (tx) => {
        after.length = 0;
        // Locked, so a cart adding it waits for the new currency and price, or this waits for that cart.
        const product = await getProduct(tx, id, 'id', LockMode.PESSIMISTIC_WRITE);
        const next = productFields(input, product);
        const changed = (Object.keys(next) as Array<keyof ProductFields>).filter((key) => next[key] !== product[key]);
        if (!changed.length) return { product, changed };
        const now = this.clock.now();
        for (const hook of this.hooks) after.push((await hook.beforeUpdate?.(tx, product, next, now)) ?? (() => undefined));
        Object.assign(product, next, { nameKey: nameKey(next.name), updatedAt: now });
        return { product, changed };
      }),
    );
    if (changed.length) {
      for (const notify of after) notify();
      this.live.productChanged(product.id);
    }
    if (changed.length) this.audit.record({ type: 'PRODUCT_UPDATED', userId: actor.user?.id, actorId: actor.user?.id, ...actor.meta, detail: { productId: product.id, changed } });
    return product;
  }

  /** Deletes the product and, by cascade, its cart lines and wishlist entries. */
  async delete(em: EntityManager, actor: Actor, id: string): Promise<boolean> {
    const after: AfterCommit[] = [];
    const name = await withRetry(() =>
      em.transactional(async (tx) => {
        after.length = 0;
        const product = await getProduct(tx, id, 'id');
        const now = this.clock.now();
        // The holders first, then the product row: the order cart and wishlist writes take their locks in.
        for (const hook of this.hooks) after.push((await hook.beforeDelete?.(tx, product, now)) ?? (() => undefined));
        if (!(await tx.nativeDelete(Product, { id: product.id }))) throw new NotFoundError('Product', 'id');
        return product.name;
      }),
    );
    for (const notify of after) notify();
    this.live.productChanged(id);
    this.audit.record({ type: 'PRODUCT_DELETED', userId: actor.user?.id, actorId: actor.user?.id, ...actor.meta, detail: { productId: id, name } });
    return true;
  }
}

/** The product or NOT_FOUND on `field`; in a transaction it may lock the row (PostgreSQL; SQLite's write lock covers it). */
export async function getProduct(em: EntityManager, id: string, field: string, lockMode?: LockMode): Promise<Product> {
  const product = isUuid(id) ? await em.findOne(Product, { id }, lockMode ? { lockMode } : {}) : null;
  if (!product) throw new NotFoundError('Product', field);
  return product;
}

/**
 * A fresh filter per query: a raw fragment used as a key is consumed by the query that uses it. A substring of the
 * name in any letter case: through the trigram index (PostgreSQL's serves this LIKE; SQLite's FTS5 table a phrase
 * MATCH of 3+ characters, the trigram minimum), with LIKE for shorter text. Both give LIKE's answers.
 */
function searchFilter(search: string | null | undefined, database: 'sqlite' | 'postgresql'): () => FilterQuery<Product> {
  const text = search == null ? '' : nameKey(search.normalize('NFC').trim());
  const length = [...text].length;
  if (length > NAME_MAX) throw new BadUserInputError('search', `search must be at most ${NAME_MAX} characters.`);
  if (!text) return () => ({});
  if (database === 'sqlite' && length >= 3) {
    const phrase = `"${text.replace(/"/g, '""')}"`;
    return () => ({ [raw((alias) => `${alias}.rowid in (select rowid from products_fts where products_fts match ?)`, [phrase])]: [] });
  }
  return () => ({ [raw((alias) => `${alias}.name_key like ? escape '\\'`, [containsPattern(text)])]: [] });
}
