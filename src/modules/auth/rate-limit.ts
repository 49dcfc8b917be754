import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../../config';
import { RateLimitedError, ServiceUnavailableError } from '../../errors';

export type LimitName = 'loginAccount' | 'loginIp' | 'register' | 'refresh' | 'websocket' | 'oidcStart' | 'oidcCallback' | 'oidcExchange' | 'apiTokenIp';
export interface LimitRule {
  points: number;
  duration: number;
  block: number;
}

/** Where counters live; shared stores make limits hold across instances. */
export type LimiterStore =
  | { kind: 'memory' }
  | { kind: 'redis'; client: unknown }
  | { kind: 'postgres'; knex: unknown };

/** Brute-force limits: every attempt is counted before any password work, and a successful login refunds it. */
export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterAbstract>;
  /** Clients this instance saw spend their API-token failures, until when (epoch ms): checked without a store round trip. */
  private readonly tokenBlocks = new Map<string, number>();

  private constructor(limiters: Record<LimitName, RateLimiterAbstract>) {
    this.limiters = limiters;
  }

  static async create(rules: Config['rateLimits'], store: LimiterStore, prefix = 'tg'): Promise<RateLimits> {
    const names = Object.keys(rules) as LimitName[];
    const options = (name: LimitName) => ({ keyPrefix: `${prefix}_${name}`, points: rules[name].points, duration: rules[name].duration, blockDuration: rules[name].block });
    if (store.kind === 'postgres') {
      const pg = (name: LimitName, first: boolean, ready?: (err?: Error) => void) =>
        new RateLimiterPostgres(
          // The first limiter creates the shared table and purges expired rows hourly; the rest must not race it.
          { ...options(name), storeClient: store.knex, storeType: 'knex', tableName: 'rate_limits', tableCreated: !first, clearExpiredByTimeout: first },
          ready,
        );
      let first!: RateLimiterAbstract;
      await new Promise<void>((resolve, reject) => (first = pg(names[0], true, (err) => (err ? reject(err) : resolve()))));
      return new RateLimits(Object.fromEntries(names.map((n, i) => [n, i === 0 ? first : pg(n, false)])) as Record<LimitName, RateLimiterAbstract>);
    }
    const make = (name: LimitName): RateLimiterAbstract =>
      store.kind === 'redis' ? new RateLimiterRedis({ ...options(name), storeClient: store.client }) : new RateLimiterMemory(options(name));
    return new RateLimits(Object.fromEntries(names.map((n) => [n, make(n)])) as Record<LimitName, RateLimiterAbstract>);
  }

  /** Counts one login attempt for the client and the account name; throws RATE_LIMITED when either is spent. */
  async loginAttempt(username: string, ip: string | null): Promise<void> {
    if (ip) await this.take('loginIp', clientKey(ip));
    await this.take('loginAccount', accountKey(username));
  }

  /** A sign-in attempt before the account is known (a passwordless passkey): counted against the client only. */
  async clientLoginAttempt(ip: string | null): Promise<void> {
    if (ip) await this.take('loginIp', clientKey(ip));
  }

  /** A correct password clears the account's failures and refunds the client's attempt. */
  async loginSucceeded(username: string, ip: string | null): Promise<void> {
    // Best effort: a store hiccup here must not fail a login whose password was right.
    await Promise.allSettled([this.limiters.loginAccount.delete(accountKey(username)), ip ? this.limiters.loginIp.reward(clientKey(ip), 1) : null]);
  }

  /**
   * API tokens are counted on failure only (a script's good token must not spend a budget), like logins per
   * client: once a client has sent too many unknown tokens it is refused, good tokens included, until the
   * block ends. The check is local (no store round trip on the hot path); the count is shared.
   */
  apiTokenAllowed(ip: string | null): void {
    if (!ip || !this.tokenBlocks.size) return;
    const key = clientKey(ip);
    const until = this.tokenBlocks.get(key);
    if (until === undefined) return;
    const ms = until - Date.now();
    if (ms > 0) throw new RateLimitedError(Math.max(1, Math.ceil(ms / 1000)));
    this.tokenBlocks.delete(key);
  }

  /** Counts an unknown API token against the client; throws RATE_LIMITED once the budget is spent. */
  async apiTokenFailed(ip: string | null): Promise<void> {
    if (!ip) return;
    const key = clientKey(ip);
    try {
      await this.take('apiTokenIp', key);
    } catch (err) {
      if (err instanceof RateLimitedError) {
        if (this.tokenBlocks.size > 10_000) for (const [k, until] of this.tokenBlocks) if (until <= Date.now()) this.tokenBlocks.delete(k);
        this.tokenBlocks.set(key, Date.now() + Number(err.extensions.retryAfter) * 1000);
      }
      throw err;
    }
  }

  async attempt(name: 'register' | 'refresh' | 'websocket' | 'oidcStart' | 'oidcCallback' | 'oidcExchange', ip: string | null): Promise<void> {
    if (ip) await this.take(name, clientKey(ip));
  }

  private async take(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key, 1);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
      throw new ServiceUnavailableError(); // the shared store is down: fail closed, never unlimited

    }
  }
}

/** IPv6 clients are limited by /64, the block one subscriber usually holds; IPv4 by address. */
export function clientKey(ip: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return v4mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':') + '::/64';
}

const accountKey = (username: string) => createHash('sha256').update(username.toLowerCase()).digest('base64url');
