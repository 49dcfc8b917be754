import type { EntityManager } from '@mikro-orm/core';

/**
 * Executes a query builder the way EntityManager methods do: driver errors become MikroORM's typed exceptions
 * (unique or foreign-key violations, deadlocks), so callers and withRetry can tell them apart.
 */
export async function execute<T>(em: EntityManager, query: { execute(method: 'run'): Promise<T> }): Promise<T> {
  try {
    return await query.execute('run');
  } catch (err) {
    throw em.getDriver().convertException(err as Error);
  }
}
