import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import type { Config } from '../../config';
import type { Orm } from '../../db/orm';
import { sqliteValue } from '../../db/native-sql';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';

type Cleanup = Config['cleanup'];

/**
 * What may go: rows of `table` matching `where`, whose one `?` is the cutoff (a null cutoff keeps them for ever).
 * `children` reference those rows and are deleted first, in batches too, so no cascade of unknown size runs.
 */
export interface RetentionRule {
  table: string;
  where: string;
  cutoff(now: number, c: Cleanup): Date | null;
  children?: Array<{ table: string; column: string }>;
}

const ago = (now: number, seconds: number) => new Date(now - seconds * 1000);
const pastGrace = (now: number, c: Cleanup) => ago(now, c.grace);
const tokens = [{ table: 'refresh_tokens', column: 'session_id' }];

/**
 * The one list of what the retention job deletes: a feature with rows that expire adds one entry. DPoP replay
 * entries are not here: the replay cache purges its own table every DPOP_MAX_AGE (dpop.replay.ts).
 */
export const RETENTION: RetentionRule[] = [
  // Sessions idle past REFRESH_IDLE_TTL are refused already and go once they pass expires_at (an unindexed scan saved).
  { table: 'sessions', where: 'expires_at < ?', cutoff: pastGrace, children: tokens },
  { table: 'sessions', where: 'revoked_at < ?', cutoff: pastGrace, children: tokens },
  // A used flow stays until it expires, so its state answers STATE_REPLAYED rather than STATE_UNKNOWN until then.
  { table: 'oidc_flows', where: 'expires_at < ?', cutoff: (now) => new Date(now) },
  { table: 'login_codes', where: 'expires_at < ?', cutoff: (now) => new Date(now) },
  { table: 'audit_events', where: 'at < ?', cutoff: (now, c) => (c.auditRetention ? ago(now, c.auditRetention) : null) },
  // Like flows, a spent link stays until it expires, so it answers TOKEN_USED rather than TOKEN_INVALID until then.
  { table: 'email_tokens', where: 'expires_at < ?', cutoff: (now) => new Date(now) },
  { table: 'mfa_tickets', where: 'expires_at < ?', cutoff: (now) => new Date(now) },
  { table: 'mail_outbox', where: "status = 'SENT' and sent_at < ?", cutoff: (now, c) => (c.mailRetention ? ago(now, c.mailRetention) : null) },
];

const marks = (values: unknown[]) => values.map(() => '?').join(', ');
/** The job's share of the event loop (SQLite runs every statement on it): after a batch, rest three times as long. */
const REST_FACTOR = 3;
const REST_MAX_MS = 1000;
/** Resumes once the loop had REST_FACTOR times the time the batch since `since` took for requests. */
const yieldToRequests = (since: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(REST_MAX_MS, (performance.now() - since) * REST_FACTOR)));

const CLEANUP_LOCK = 7_412_031_906; // one job at a time across instances (the migration lock is ...905)

/**
 * Deletes what RETENTION lists in small batches, one short statement each, resting three times a batch's time
 * between them, so requests keep most of the event loop (and never wait long for a lock); counts and logs what it
 * removed. On PostgreSQL one instance at a time.
 */
export class RetentionJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<Record<string, number>>;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly config: Pick<Config, 'cleanup' | 'database'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onRemoved: (table: string, rows: number) => void = () => undefined,
    private readonly rules: RetentionRule[] = RETENTION,
  ) {}

  /** Every CLEANUP_INTERVAL; a pass still running when the next is due is not doubled. */
  start(): void {
    if (!this.config.cleanup.interval) return;
    this.timer = setInterval(() => void this.runOnce().catch((err) => this.logger.error('cleanup failed', err)), this.config.cleanup.interval * 1000).unref();
  }

  /** Stops the timer and lets a running pass end after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every rule: rows removed per table (empty when another instance holds the lock). */
  runOnce(): Promise<Record<string, number>> {
    return (this.running ??= this.pass().finally(() => (this.running = undefined)));
  }

  private async pass(): Promise<Record<string, number>> {
    const started = Date.now();
    const removed = await this.underLock(async () => {
      const counts: Record<string, number> = {};
      const now = this.clock.now().getTime();
      for (const rule of this.rules) {
        const cutoff = rule.cutoff(now, this.config.cleanup);
        if (cutoff) await this.purge(rule, this.value(cutoff), counts);
      }
      return counts;
    });
    if (!removed) {
      this.logger.info('cleanup skipped: another instance is running it');
      return {};
    }
    for (const [table, rows] of Object.entries(removed)) this.onRemoved(table, rows);
    this.logger.info('cleanup', { removed, ms: Date.now() - started });
    return removed;
  }

  /**
   * Batch after batch until one comes back short. The ids are read first (readers never wait under WAL or
   * MVCC), so each write is a delete by key of at most CLEANUP_BATCH rows: its own short transaction.
   */
  private async purge(rule: RetentionRule, cutoff: unknown, counts: Record<string, number>): Promise<void> {
    const em = this.orm.em.fork() as unknown as SqlEntityManager;
    const batch = this.config.cleanup.batch;
    const add = (table: string, n: number) => n && (counts[table] = (counts[table] ?? 0) + n);
    while (!this.stopped) {
      let since = performance.now();
      const ids = await this.ids(em, `select id from ${rule.table} where ${rule.where} limit ${batch}`, [cutoff]);
      if (!ids.length) return;
      for (const child of rule.children ?? []) {
        for (;;) {
          const childIds = await this.ids(em, `select id from ${child.table} where ${child.column} in (${marks(ids)}) limit ${batch}`, ids);
          if (childIds.length) add(child.table, await this.delete(em, `delete from ${child.table} where id in (${marks(childIds)})`, childIds));
          if (childIds.length < batch) break;
          await yieldToRequests(since);
          since = performance.now();
        }
      }
      // The condition again: a row that changed since it was read stays.
      add(rule.table, await this.delete(em, `delete from ${rule.table} where id in (${marks(ids)}) and (${rule.where})`, [...ids, cutoff]));
      if (ids.length < batch) return;
      await yieldToRequests(since);
    }
  }

  private async ids(em: SqlEntityManager, sql: string, params: unknown[]): Promise<string[]> {
    return ((await em.execute(sql, params, 'all')) as Array<{ id: string }>).map((r) => r.id);
  }

  private async delete(em: SqlEntityManager, sql: string, params: unknown[]): Promise<number> {
    return ((await em.execute(sql, params, 'run')) as { affectedRows: number }).affectedRows;
  }

  private value(date: Date): unknown {
    return this.config.database.kind === 'sqlite' ? sqliteValue(date) : date;
  }

  /** PostgreSQL: a session-level advisory lock on a connection of its own; null when another instance holds it. */
  private async underLock<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.config.database.kind !== 'postgresql') return work();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require('pg') as typeof import('pg');
    const client = new Client({ connectionString: this.config.database.url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [CLEANUP_LOCK]);
      if (!rows[0].locked) return null;
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [CLEANUP_LOCK]).catch(() => undefined);
      }
    } finally {
      await client.end();
    }
  }
}
