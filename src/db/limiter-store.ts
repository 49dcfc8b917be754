import type { AbstractSqlConnection } from '@mikro-orm/knex';
import Redis from 'ioredis';
import type { Config } from '../config';
import type { LimiterStore } from '../modules/auth/rate-limit';
import type { Orm } from './orm';
import type { Logger } from '../lib/logger';
import { redactUrl } from '../lib/env';

/** Redis when REDIS_URL is set, else PostgreSQL when that is the database, else memory (one instance). */
export async function openLimiterStore(config: Config, orm: Orm, logger: Logger): Promise<{ store: LimiterStore; close(): Promise<void> }> {
  const choice = config.rateLimitStore === 'auto' ? (config.redisUrl ? 'redis' : config.database.kind === 'postgresql' ? 'database' : 'memory') : config.rateLimitStore;
  if (choice === 'redis') {
    // No offline queue: with Redis down an attempt fails fast (503) instead of waiting unlimited.
    // disconnectTimeout: a connection that never came up is dropped at once, not after ioredis's 2 s wait.
    const client = new Redis(config.redisUrl!, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, disconnectTimeout: 100 });
    // Without a listener a lost connection would crash the process; attempts fail with 503 until it reconnects.
    client.on('error', (err: Error) => logger.warn('redis error', { message: err.message }));
    try {
      await client.connect();
    } catch (err) {
      client.disconnect();
      throw new Error(`REDIS_URL: cannot connect to ${redactUrl(config.redisUrl!)} (${(err as Error).message})`);
    }
    return { store: { kind: 'redis', client }, close: async () => void (await client.quit().catch(() => undefined)) };
  }
  if (choice === 'database') {
    const knex = (orm.em.getConnection() as AbstractSqlConnection).getKnex();
    return { store: { kind: 'postgres', knex }, close: async () => undefined };
  }
  return { store: { kind: 'memory' }, close: async () => undefined };
}
