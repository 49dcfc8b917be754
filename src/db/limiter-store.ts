import type { AbstractSqlConnection } from '@mikro-orm/knex';
import Redis from 'ioredis';
import type { Config } from '../config';
import type { LimiterStore } from '../modules/auth/rate-limit';
import type { Orm } from './orm';

/** Redis when REDIS_URL is set, else PostgreSQL when that is the database, else memory (one instance). */
export async function openLimiterStore(config: Config, orm: Orm): Promise<{ store: LimiterStore; close(): Promise<void> }> {
  const choice = config.rateLimitStore === 'auto' ? (config.redisUrl ? 'redis' : config.database.kind === 'postgresql' ? 'database' : 'memory') : config.rateLimitStore;
  if (choice === 'redis') {
    // No offline queue: with Redis down an attempt fails fast (503) instead of waiting unlimited.
    const client = new Redis(config.redisUrl!, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await client.connect();
    return { store: { kind: 'redis', client }, close: async () => void (await client.quit().catch(() => undefined)) };
  }
  if (choice === 'database') {
    const knex = (orm.em.getConnection() as AbstractSqlConnection).getKnex();
    return { store: { kind: 'postgres', knex }, close: async () => undefined };
  }
  return { store: { kind: 'memory' }, close: async () => undefined };
}
