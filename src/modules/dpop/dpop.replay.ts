import Redis from 'ioredis';
import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { redactUrl } from '../../lib/env';
import { pgStatement, statement, type NativeSql } from '../../db/native-sql';

/** Remembers proofs (by key thumbprint and jti) for as long as any instance could still accept them. */
export interface ReplayCache {
  readonly kind: 'memory' | 'redis' | 'database';
  /** True the first time a key is seen within its lifetime; false for a replay. */
  remember(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** One process only: SQLite runs a single instance. Entries share one TTL, so the oldest sit first in the map. */
export class MemoryReplayCache implements ReplayCache {
  readonly kind = 'memory';
  private readonly seen = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    for (const [k, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(k);
    }
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + ttlMs);
    return true;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }
}

/** SET NX PX: one round trip, atomic across every instance sharing the Redis. */
export class RedisReplayCache implements ReplayCache {
  readonly kind = 'redis';

  constructor(private readonly client: Redis, private readonly prefix: string) {}

  async remember(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(`${this.prefix}:dpop:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    // quit() needs the connection up (no offline queue); one still reconnecting (Redis down) is dropped instead.
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    else this.client.disconnect();
  }
}

// A row whose time has passed may be taken over; a live row answers with no row returned.
const REMEMBER_PG = pgStatement(
  'tg_dpop_remember',
  `insert into dpop_proofs (key, expires_at) values ($1, $2)
  on conflict (key) do update set expires_at = excluded.expires_at where dpop_proofs.expires_at <= $3
  returning 1 as fresh`,
);
const PURGE = statement('tg_dpop_purge', 'delete from dpop_proofs where expires_at <= ?');

/** PostgreSQL without Redis: the primary key decides, on every instance; expired rows are purged as they pass. */
export class DatabaseReplayCache implements ReplayCache {
  readonly kind = 'database';
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly sql: NativeSql, private readonly clock: Clock, purgeEveryMs: number, logger: Logger) {
    this.timer = setInterval(() => {
      this.sql.get(PURGE, [this.clock.now()]).catch((err: Error) => logger.warn('dpop replay purge failed', { message: err.message }));
    }, purgeEveryMs).unref();
  }

  async remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const row = await this.sql.get<{ fresh: number }>(REMEMBER_PG, [key, new Date(now.getTime() + ttlMs), now]);
    return row !== undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}

/** Redis when REDIS_URL is set, else the PostgreSQL database, else memory (SQLite: one instance). */
export async function openReplayCache(config: Config, sql: NativeSql, clock: Clock, logger: Logger): Promise<ReplayCache> {
  if (config.redisUrl) {
    // No offline queue: with Redis down a proof fails fast (503) instead of waiting.
    const client = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, disconnectTimeout: 100 });
    client.on('error', (err: Error) => logger.warn('redis error', { message: err.message }));
    // Redis down at start does not stop the server (issue 20): ioredis keeps reconnecting, and until it is back
    // every DPoP proof fails closed with 503 (no offline queue), while bearer requests are served.
    await client.connect().catch((err: Error) => logger.warn('DPoP replay cache: Redis unreachable; DPoP requests answer 503 until it is back', { url: redactUrl(config.redisUrl!), message: err.message }));
    return new RedisReplayCache(client, config.rateLimitPrefix);
  }
  if (config.database.kind === 'postgresql') return new DatabaseReplayCache(sql, clock, config.dpop.maxAge * 1000, logger);
  return new MemoryReplayCache(clock);
}
