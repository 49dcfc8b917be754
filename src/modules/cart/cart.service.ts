import { LockMode, type EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { BadUserInputError, CurrencyMismatchError } from '../../errors';
import { withRetry } from '../../db/retry';
import { execute } from '../../db/query';
import type { Clock } from '../../lib/clock';
import { uuidv7 } from '../../lib/ids';
import type { Product } from '../product/product.entity';
import type { ProductFields } from '../product/product.input';
import { getProduct, type AfterCommit, type CatalogueHooks } from '../product/product.service';
import type { LiveService } from '../live/live.service';
import type { Shopper } from '../shopper/shopper.entity';
import type { ShopperService } from '../shopper/shopper.service';
import type { User } from '../user/user.entity';
import { CartItem } from './cart-item.entity';

export const QUANTITY_MAX = 99;
export const LINES_MAX = 100;
/** GraphQL's Int is 32 bits: a cart's total, and so each line's, must fit. */
export const TOTAL_MAX = 2_147_483_647;

/** A cart as read: its owner, the shopper row (null before the first change) and its lines, products loaded. */
export interface CartView {
  owner: User;
  shopper: Shopper | null;
  lines: CartItem[];
}

/** One cart per user: lines change under the user's shopper lock; totals are always computed here. */
export class CartService implements CatalogueHooks {
  constructor(private readonly clock: Clock, private readonly shoppers: ShopperService, private readonly live: LiveService) {}

  /** Two statements whatever the size, batched with every other cart read of the request (MikroORM's dataloader). */
  async view(em: EntityManager, owner: User): Promise<CartView> {
    const shopper = await this.shoppers.load(em, owner.id);
    if (!shopper) return { owner, shopper, lines: [] };
    const lines = await shopper.cartItems.load({ dataloader: true, populate: ['product'], orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] });
    return { owner, shopper, lines: lines.getItems() };
  }

  add(em: EntityManager, owner: User, productId: string, quantity: number): Promise<CartView> {
    checkQuantity(quantity, 1);
    return this.change(em, owner, productId, (current) => current + quantity);
  }

  /** Sets a line's quantity, adding the line if needed; 0 removes it. */
  set(em: EntityManager, owner: User, productId: string, quantity: number): Promise<CartView> {
    checkQuantity(quantity, 0);
    return this.change(em, owner, productId, () => quantity);
  }

  remove(em: EntityManager, owner: User, productId: string): Promise<CartView> {
    return this.change(em, owner, productId, () => 0);
  }

  async clear(em: EntityManager, owner: User): Promise<CartView> {
    await withRetry(() =>
      em.fork().transactional(async (tx) => {
        const now = this.clock.now();
        await this.shoppers.lock(tx, owner.id, now);
        if (await tx.nativeDelete(CartItem, { shopper: owner.id })) await this.shoppers.touchCart(tx, owner.id, now);
      }),
    );
    this.live.cartChanged(owner.id);
    return this.view(em.fork(), owner);
  }

  /**
   * Reads the cart and writes the line under the owner's shopper lock, so concurrent calls apply one after the
   * other (ten `add(p, 1)` make one line of 10) on every instance; the unique (shopper, product) key and the
   * upsert keep a product on one line even so.
   */
  private async change(em: EntityManager, owner: User, productId: string, next: (current: number) => number): Promise<CartView> {
    await withRetry(() =>
      em.fork().transactional(async (tx) => {
        const now = this.clock.now();
        await this.shoppers.lock(tx, owner.id, now);
        // Shared lock: an admin changing its price or currency waits for this cart, or this cart for the admin.
        const product = await getProduct(tx, productId, 'productId', LockMode.PESSIMISTIC_READ);
        const lines = await tx.find(CartItem, { shopper: owner.id }, { populate: ['product'] });
        const line = lines.find((l) => l.product.id === product.id);
        const quantity = next(line?.quantity ?? 0);
        if (quantity === (line?.quantity ?? 0)) return;
        if (quantity > QUANTITY_MAX) throw new BadUserInputError('quantity', `A cart line holds at most ${QUANTITY_MAX}.`, 'QUANTITY_LIMIT');
        if (quantity === 0) {
          await tx.nativeDelete(CartItem, { id: line!.id });
        } else {
          assertFits(lines.filter((l) => l !== line), product, quantity, !line);
          const upsert = (tx as SqlEntityManager)
            .createQueryBuilder(CartItem)
            .insert({ id: uuidv7(), shopper: owner.id, product: product.id, quantity, addedAt: now })
            .onConflict(['shopper', 'product'])
            .merge(['quantity']);
          await execute(tx, upsert);
        }
        await this.shoppers.touchCart(tx, owner.id, now);
      }),
    );
    this.live.cartChanged(owner.id);
    return this.view(em.fork(), owner);
  }

  /** A product in carts keeps its currency, and its price may not push a cart's total past TOTAL_MAX. */
  async beforeUpdate(tx: EntityManager, product: Product, next: ProductFields): Promise<void | AfterCommit> {
    if (next.currency !== product.currency && (await tx.count(CartItem, { product: product.id })) > 0) {
      throw new BadUserInputError('currency', 'This product is in carts, which hold one currency each; its currency cannot change.', 'PRODUCT_IN_CART');
    }
    // Carts show the product (name, price, totals): their owners hear of any change once it is committed.
    const holders = await this.holders(tx, product);
    const notify = () => holders.forEach((id) => this.live.cartChanged(id));
    if (next.priceCents <= product.priceCents) return notify;
    // The holders' carts are locked before their totals are read, so rises of several products in one cart take
    // turns: each sees the prices the others committed (PostgreSQL's READ COMMITTED reads anew per statement).
    await this.shoppers.lockExisting(tx, holders);
    const [row] = await (tx as SqlEntityManager).execute<Array<{ total: string | number | null }>>(
      `select max(total) as total from (
         select sum(cast(ci.quantity as bigint) * case when ci.product_id = ? then ? else p.price_cents end) as total
         from cart_items ci join products p on p.id = ci.product_id
         where ci.user_id in (select user_id from cart_items where product_id = ?)
         group by ci.user_id) totals`,
      [product.id, next.priceCents, product.id],
    );
    if (Number(row?.total ?? 0) > TOTAL_MAX) {
      throw new BadUserInputError('priceCents', 'At this price a cart holding the product would exceed the largest total.', 'CART_TOTAL_LIMIT');
    }
    return notify;
  }

  /** The carts that lose a line change now. */
  async beforeDelete(tx: EntityManager, product: Product, now: Date): Promise<void | AfterCommit> {
    const holders = await this.holders(tx, product);
    if (!holders.length) return;
    await this.shoppers.touchCarts(tx, holders, now);
    return () => holders.forEach((id) => this.live.cartChanged(id));
  }

  /** The owners of the carts that hold the product. */
  private async holders(tx: EntityManager, product: Product): Promise<string[]> {
    const lines = await tx.find(CartItem, { product: product.id }, { fields: ['shopper'], disableIdentityMap: true });
    return lines.map((l) => l.shopper.userId);
  }
}

function checkQuantity(quantity: number, min: 0 | 1): void {
  if (!Number.isInteger(quantity) || quantity < min || quantity > QUANTITY_MAX) {
    throw new BadUserInputError('quantity', `quantity must be ${min} to ${QUANTITY_MAX}.`);
  }
}

/** One currency per cart, at most LINES_MAX lines, a total that fits in an Int. */
function assertFits(others: CartItem[], product: Product, quantity: number, newLine: boolean): void {
  if (newLine && others.length >= LINES_MAX) throw new BadUserInputError('productId', `A cart holds at most ${LINES_MAX} different products.`, 'CART_FULL');
  const currency = others[0]?.product.currency;
  if (currency && currency !== product.currency) throw new CurrencyMismatchError(currency, product.currency);
  const total = others.reduce((sum, l) => sum + l.quantity * l.product.priceCents, quantity * product.priceCents);
  if (total > TOTAL_MAX) throw new BadUserInputError('quantity', 'The cart total would exceed the largest total a cart may hold.', 'CART_TOTAL_LIMIT');
}
