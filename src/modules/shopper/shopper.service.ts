import { ForeignKeyConstraintViolationException, LockMode, raw, wrap, type EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { execute } from '../../db/query';
import { UnauthenticatedError } from '../../errors';
import { Shopper } from './shopper.entity';

/** The per-user shop record: the lock that serialises one user's shop writes, and batched loading. */
export class ShopperService {
  /**
   * Creates the user's shopper row or, when it exists, rewrites it unchanged. Either way the row stays locked
   * until the transaction ends (PostgreSQL: a row lock shared by every instance; SQLite: the write lock, taken
   * at once because this is the transaction's first statement), so limits and the one-currency rule hold
   * under concurrency. A user deleted meanwhile fails the foreign key: their token is dead.
   */
  async lock(tx: EntityManager, userId: string, now: Date): Promise<void> {
    try {
      const upsert = (tx as SqlEntityManager)
        .createQueryBuilder(Shopper)
        .insert({ userId, createdAt: now, cartUpdatedAt: now })
        .onConflict('userId')
        .merge({ createdAt: raw('shoppers.created_at') });
      await execute(tx, upsert);
    } catch (err) {
      if (err instanceof ForeignKeyConstraintViolationException) throw new UnauthenticatedError('TOKEN_REVOKED');
      throw err;
    }
  }

  /**
   * Locks existing shopper rows (PostgreSQL; SQLite's write lock already covers them), in id order so two
   * transactions locking overlapping sets take turns instead of deadlocking.
   */
  async lockExisting(tx: EntityManager, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    await tx.find(Shopper, { userId: { $in: [...new Set(userIds)] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { userId: 'asc' }, fields: ['userId'], disableIdentityMap: true });
  }

  async touchCart(tx: EntityManager, userId: string, now: Date): Promise<void> {
    await tx.nativeUpdate(Shopper, { userId }, { cartUpdatedAt: now });
  }

  async touchCarts(tx: EntityManager, userIds: string[], now: Date): Promise<void> {
    await tx.nativeUpdate(Shopper, { userId: { $in: userIds } }, { cartUpdatedAt: now });
  }

  /** The user's shopper, or null before their first shop write; batched with every other load in the request. */
  async load(em: EntityManager, userId: string): Promise<Shopper | null> {
    const shopper = await em.getReference(Shopper, userId, { wrapped: true }).load({ dataloader: true });
    return shopper && wrap(shopper).isInitialized() ? shopper : null;
  }
}
