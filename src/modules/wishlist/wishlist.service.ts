import { LockMode, UniqueConstraintViolationException, type EntityManager, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { BadUserInputError, NameTakenError, NotFoundError } from '../../errors';
import { withRetry } from '../../db/retry';
import { execute } from '../../db/query';
import type { Clock } from '../../lib/clock';
import { isUuid, uuidv7 } from '../../lib/ids';
import { checkFirst, decodeCursor } from '../../lib/pagination';
import { cleanName, nameKey } from '../../lib/text';
import type { Product } from '../product/product.entity';
import { getProduct, PRODUCT_CURSOR, type CatalogueHooks, type ProductPage } from '../product/product.service';
import { Shopper } from '../shopper/shopper.entity';
import type { ShopperService } from '../shopper/shopper.service';
import type { User } from '../user/user.entity';
import { WishlistItem } from './wishlist-item.entity';
import { Wishlist } from './wishlist.entity';

export const WISHLISTS_MAX = 50;
export const WISHLIST_PRODUCTS_MAX = 500;
export const WISHLIST_NAME_MAX = 80;
const ITEM_ORDER: QueryOrderMap<WishlistItem>[] = [{ addedAt: 'asc' }, { id: 'asc' }];

/**
 * Named product lists, reachable only by their owner: another user's wishlist is looked up with the owner in
 * the query, so it answers exactly like an id that does not exist.
 */
export class WishlistService implements CatalogueHooks {
  constructor(private readonly clock: Clock, private readonly shoppers: ShopperService) {}

  /** The owner's wishlists, oldest first; batched with every other user's in the request. */
  async list(em: EntityManager, ownerId: string): Promise<Wishlist[]> {
    const shopper = await this.shoppers.load(em, ownerId);
    if (!shopper) return [];
    return (await shopper.wishlists.load({ dataloader: true, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).getItems();
  }

  /** The owner's wishlist, or null: for an unknown id and for another user's alike. */
  find(em: EntityManager, ownerId: string, id: string): Promise<Wishlist | null> {
    return isUuid(id) ? em.findOne(Wishlist, { id, shopper: ownerId }) : Promise.resolve(null);
  }

  /** The first `first` products in the order they were added; one statement for every wishlist of the request (MikroORM's dataloader). */
  async products(wishlist: Wishlist, first: number): Promise<Product[]> {
    checkFirst(first);
    const items = await wishlist.items.load({ dataloader: true, populate: ['product'], orderBy: ITEM_ORDER });
    return items.getItems().slice(0, first).map((item) => item.product);
  }

  /** How many products the wishlist holds (the loaded list's length when it is loaded). */
  productCount(wishlist: Wishlist): Promise<number> {
    return wishlist.items.loadCount();
  }

  /** A page in the order the products were added; a cursor names the page's last product, which is on the list once. */
  async productPage(em: EntityManager, wishlist: Wishlist, first: number, after: string | null | undefined): Promise<ProductPage> {
    checkFirst(first);
    let where: FilterQuery<WishlistItem> = { wishlist: wishlist.id };
    if (after) {
      const last = await em.findOne(WishlistItem, { wishlist: wishlist.id, product: decodeCursor(PRODUCT_CURSOR, after) }, { fields: ['addedAt'] });
      if (!last) throw new BadUserInputError('after', 'after is not a cursor from this wishlist (or that product has left it).');
      where = { wishlist: wishlist.id, $or: [{ addedAt: { $gt: last.addedAt } }, { addedAt: last.addedAt, id: { $gt: last.id } }] };
    }
    const [rows, totalCount] = await Promise.all([
      em.find(WishlistItem, where, { populate: ['product'], orderBy: ITEM_ORDER, limit: first + 1 }),
      em.count(WishlistItem, { wishlist: wishlist.id }),
    ]);
    return { products: rows.slice(0, first).map((item) => item.product), hasNextPage: rows.length > first, totalCount };
  }

  async create(em: EntityManager, owner: User, name: string): Promise<Wishlist> {
    const clean = cleanName(name, 'name', WISHLIST_NAME_MAX);
    const id = await this.write(em, owner, async (tx, now) => {
      if ((await tx.count(Wishlist, { shopper: owner.id })) >= WISHLISTS_MAX) {
        throw new BadUserInputError('name', `You can have at most ${WISHLISTS_MAX} wishlists.`, 'WISHLIST_LIMIT');
      }
      await this.assertNameFree(tx, owner.id, clean);
      const wishlist = new Wishlist();
      Object.assign(wishlist, { shopper: tx.getReference(Shopper, owner.id, { wrapped: true }), createdAt: now });
      wishlist.rename(clean, now);
      tx.persist(wishlist);
      return wishlist.id;
    });
    return this.reread(em, owner, id);
  }

  async rename(em: EntityManager, owner: User, id: string, name: string): Promise<Wishlist> {
    const clean = cleanName(name, 'name', WISHLIST_NAME_MAX);
    await this.write(em, owner, async (tx, now) => {
      const wishlist = await this.owned(tx, owner, id, 'id');
      if (wishlist.name === clean) return;
      if (wishlist.nameKey !== nameKey(clean)) await this.assertNameFree(tx, owner.id, clean);
      wishlist.rename(clean, now);
    });
    return this.reread(em, owner, id);
  }

  async delete(em: EntityManager, owner: User, id: string): Promise<boolean> {
    await this.write(em, owner, async (tx) => {
      if (!isUuid(id) || !(await tx.nativeDelete(Wishlist, { id, shopper: owner.id }))) throw new NotFoundError('Wishlist', 'id');
    });
    return true;
  }

  /** Adding a product that is already there changes nothing. */
  async addProduct(em: EntityManager, owner: User, wishlistId: string, productId: string): Promise<Wishlist> {
    await this.write(em, owner, async (tx, now) => {
      const wishlist = await this.owned(tx, owner, wishlistId, 'wishlistId');
      const product = await getProduct(tx, productId, 'productId', LockMode.PESSIMISTIC_READ);
      if (await tx.count(WishlistItem, { wishlist: wishlist.id, product: product.id })) return;
      if ((await tx.count(WishlistItem, { wishlist: wishlist.id })) >= WISHLIST_PRODUCTS_MAX) {
        throw new BadUserInputError('productId', `A wishlist holds at most ${WISHLIST_PRODUCTS_MAX} products.`, 'WISHLIST_FULL');
      }
      const insert = (tx as SqlEntityManager)
        .createQueryBuilder(WishlistItem)
        .insert({ id: uuidv7(), wishlist: wishlist.id, product: product.id, addedAt: now })
        .onConflict(['wishlist', 'product'])
        .ignore();
      await execute(tx, insert);
      wishlist.updatedAt = now;
    });
    return this.reread(em, owner, wishlistId);
  }

  async removeProduct(em: EntityManager, owner: User, wishlistId: string, productId: string): Promise<Wishlist> {
    await this.write(em, owner, async (tx, now) => {
      const wishlist = await this.owned(tx, owner, wishlistId, 'wishlistId');
      const product = await getProduct(tx, productId, 'productId');
      if (await tx.nativeDelete(WishlistItem, { wishlist: wishlist.id, product: product.id })) wishlist.updatedAt = now;
    });
    return this.reread(em, owner, wishlistId);
  }

  /** Wishlists losing the product change now. */
  async beforeDelete(tx: EntityManager, product: Product, now: Date): Promise<void> {
    const holders = await tx.find(WishlistItem, { product: product.id }, { fields: ['wishlist'], disableIdentityMap: true });
    if (holders.length) await tx.nativeUpdate(Wishlist, { id: { $in: holders.map((h) => h.wishlist.id) } }, { updatedAt: now });
  }

  /** One retried transaction under the owner's shopper lock; a name taken meanwhile is NAME_TAKEN. */
  private async write<T>(em: EntityManager, owner: User, work: (tx: EntityManager, now: Date) => Promise<T>): Promise<T> {
    try {
      return await withRetry(() =>
        em.fork().transactional(async (tx) => {
          const now = this.clock.now();
          await this.shoppers.lock(tx, owner.id, now);
          return work(tx, now);
        }),
      );
    } catch (err) {
      // Wishlist names are the only unique key written here without ON CONFLICT.
      if (err instanceof UniqueConstraintViolationException) throw new NameTakenError();
      throw err;
    }
  }

  /** Locked, so the item count and the product list stay as read until the change commits. */
  private async owned(tx: EntityManager, owner: User, id: string, field: string): Promise<Wishlist> {
    const wishlist = isUuid(id) ? await tx.findOne(Wishlist, { id, shopper: owner.id }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
    if (!wishlist) throw new NotFoundError('Wishlist', field);
    return wishlist;
  }

  private async assertNameFree(tx: EntityManager, ownerId: string, name: string): Promise<void> {
    if (await tx.count(Wishlist, { shopper: ownerId, nameKey: nameKey(name) })) throw new NameTakenError();
  }

  /** After a write: a fresh EntityManager, so the answer shows what was committed. */
  private async reread(em: EntityManager, owner: User, id: string): Promise<Wishlist> {
    const wishlist = await this.find(em.fork(), owner.id, id);
    if (!wishlist) throw new NotFoundError('Wishlist', 'id'); // deleted by a concurrent request
    return wishlist;
  }
}
