import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../../config';
import { RateLimitedError, ServiceUnavailableError } from '../../errors';
import { normalizeIp } from '../../lib/address';

export type LimitName = 'loginAccount' | 'loginIp' | 'loginSuccessIp' | 'register' | 'refresh' | 'websocket' | 'oidcStart' | 'oidcCallback' | 'oidcExchange' | 'apiTokenIp' | 'emailAddress' | 'emailIp';
export interface LimitRule {
  points: number;
  duration: number;
  block: number;
}

/** The lock a RATE_LIMITED from `take` carries: which limit, and its key (never the raw account name). */
export const lockOf = (err: RateLimitedError): { limit: LimitName; key: string } | undefined => (err as RateLimitedError & { lock?: { limit: LimitName; key: string } }).lock;

/** Where counters live; shared stores make limits hold across instances. */
export type LimiterStore =
  | { kind: 'memory' }
  | { kind: 'redis'; client: unknown }
  | { kind: 'postgres'; knex: unknown };

/**
 * Brute-force limits: every attempt is counted before any password work, against the client's failures and
 * its successes alike; the outcome refunds the other one (a correct password its failure point, a wrong one
 * its success point), so good logins have a generous budget of their own and never spend the failure one.
 */
export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterAbstract>;
  /** Clients this instance saw spend their API-token failures, until when (epoch ms): checked without a store round trip. */
  private readonly tokenBlocks = new Map<string, number>();
  /** Told each refusal's limiter (the metrics' counter). */
  onRefused?: (limiter: LimitName) => void;
  /** Told each refusal's limiter, key and seconds until it lifts (the audit's RATE_LIMITED, once per block). */
  onBlocked?: (limiter: LimitName, key: string, retryAfter: number) => void;

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

  /** Counts one login attempt for the client and the account name; throws RATE_LIMITED when any budget is spent. */
  async loginAttempt(username: string, ip: string | null): Promise<void> {
    await this.loginClientAttempt(ip);
    await this.loginAccountAttempt(username);
  }

  /** The client's share of a login attempt (taken before the account is looked up). */
  async loginClientAttempt(ip: string | null): Promise<void> {
    await this.take('loginIp', clientKey(ip));
    await this.take('loginSuccessIp', clientKey(ip));
  }

  /** The account's share, keyed by the account's name. */
  async loginAccountAttempt(username: string): Promise<void> {
    await this.take('loginAccount', accountKey(username));
  }

  /** A sign-in attempt before the account is known (a passwordless passkey): counted against the client only. */
  async clientLoginAttempt(ip: string | null): Promise<void> {
    await this.take('loginIp', clientKey(ip));
  }

  /** A correct password clears the account's failures and refunds the client's failure point. */
  async loginSucceeded(username: string, ip: string | null): Promise<void> {
    // Best effort: a store hiccup here must not fail a login whose password was right.
    await Promise.allSettled([this.limiters.loginAccount.delete(accountKey(username)), this.limiters.loginIp.reward(clientKey(ip), 1)]);
  }

  /** A wrong password (or unknown user) refunds the client's success point. */
  async loginFailed(ip: string | null): Promise<void> {
    await Promise.allSettled([this.limiters.loginSuccessIp.reward(clientKey(ip), 1)]);
  }

  /**
   * API tokens are counted on failure only (a script's good token must not spend a budget), like logins per
   * client: once a client has sent too many unknown tokens it is refused, good tokens included, until the
   * block ends. The check is local (no store round trip on the hot path); the count is shared.
   */
  apiTokenAllowed(ip: string | null): void {
    if (!this.tokenBlocks.size) return;
    const key = clientKey(ip);
    const until = this.tokenBlocks.get(key);
    if (until === undefined) return;
    const ms = until - Date.now();
    if (ms > 0) {
      const retryAfter = Math.max(1, Math.ceil(ms / 1000));
      this.onRefused?.('apiTokenIp');
      this.onBlocked?.('apiTokenIp', key, retryAfter);
      throw new RateLimitedError(retryAfter);
    }
    this.tokenBlocks.delete(key);
  }

  /** Counts an unknown API token against the client; throws RATE_LIMITED once the budget is spent. */
  async apiTokenFailed(ip: string | null): Promise<void> {
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

  /**
   * One mail asked for: counted for the client and for the address, known or unknown alike, before anything
   * is looked up, so the answer (and its Retry-After) says nothing about whether an account has the address.
   */
  async mailRequested(addressKey: string, ip: string | null): Promise<void> {
    if (ip) await this.take('emailIp', clientKey(ip));
    await this.take('emailAddress', accountKey(addressKey));
  }

  async attempt(name: 'register' | 'refresh' | 'websocket' | 'oidcStart' | 'oidcCallback' | 'oidcExchange', ip: string | null): Promise<void> {
    await this.take(name, clientKey(ip));
  }

  private async take(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key, 1);
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        this.onRefused?.(name);
        this.onBlocked?.(name, key, retryAfter);
        throw Object.assign(new RateLimitedError(retryAfter), { lock: { limit: name, key } });
      }
      throw new ServiceUnavailableError(); // the shared store is down: fail closed, never unlimited

    }
  }
}

/** The one key every client without a usable address shares (never no limit at all). */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * IPv6 clients are limited by /64, the block one subscriber usually holds; IPv4 by address, however it is
 * written (IPv4-mapped and -compatible IPv6 included). No address, or one that is not an IP: one shared key.
 */
export function clientKey(ip: string | null | undefined): string {
  const address = normalizeIp(ip);
  if (!address) return UNKNOWN_CLIENT;
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).join(':') + '::/64';
}

// The name as the lookup reads it (trimmed, NFC, any letter case): " alice" is alice's budget, not a fresh one.
const accountKey = (username: string) => createHash('sha256').update(username.trim().normalize('NFC').toLowerCase()).digest('base64url');
