import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import type { DatabaseConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import type { AuditEventType } from '../audit/audit-event.entity';

export type StatsRange = 'LAST_24_HOURS' | 'LAST_7_DAYS';
const HOURS: Record<StatsRange, number> = { LAST_24_HOURS: 24, LAST_7_DAYS: 168 };
const HOUR_MS = 3_600_000;

export interface AuthStatsBucket {
  start: Date;
  signIns: number;
  signInFailures: number;
  rateLimited: number;
  refreshReuse: number;
  activeSessions: number;
}

export interface AuthStats {
  range: StatsRange;
  from: Date;
  to: Date;
  buckets: AuthStatsBucket[];
}

type Counted = 'signIns' | 'signInFailures' | 'rateLimited' | 'refreshReuse';
/** Which audit rows each number counts. */
const COUNTS: Record<string, Counted> = {
  LOGIN_SUCCEEDED: 'signIns',
  LOGIN_FAILED: 'signInFailures',
  LOGIN_LOCKED: 'rateLimited',
  RATE_LIMITED: 'rateLimited',
  REFRESH_REUSED: 'refreshReuse',
} satisfies Partial<Record<AuditEventType, Counted>>;
const TYPES = Object.keys(COUNTS);
const IN_TYPES = TYPES.map(() => '?').join(', ');

/**
 * SQLite keeps timestamps as epoch milliseconds, PostgreSQL as timestamptz: both are grouped by the hour number
 * since the epoch (UTC), so a bucket is [hour * 1h, hour * 1h + 1h).
 */
const AUDIT_SQL = {
  sqlite: `select type, at / ${HOUR_MS} as hour, count(*) as n from audit_events
    where type in (${IN_TYPES}) and at >= ? and at < ? group by type, at / ${HOUR_MS}`,
  postgresql: `select type, floor(extract(epoch from at) / 3600) as hour, count(*) as n from audit_events
    where type in (${IN_TYPES}) and at >= ? and at < ? group by type, floor(extract(epoch from at) / 3600)`,
};

/**
 * Only sessions expiring after the range starts can overlap it (expires_at is indexed, so old ones are not read).
 * A session is open from created_at until the first of revoked_at, expires_at and last_used_at plus the idle
 * time: open within hour b exactly when its first hour <= b <= its last hour. Counting sessions by first hour
 * and by last hour (clamped to the range) is two GROUP BYs over the sessions that overlap the range; a running
 * sum over the hours then gives each bucket's count, however many sessions there are.
 */
const SESSIONS_SQL = {
  sqlite: `with s as (
      select created_at as born, min(coalesce(revoked_at, expires_at), expires_at, last_used_at + ?) as dead from sessions where created_at < ? and expires_at > ?
    )
    select 'first' as edge, max(born / ${HOUR_MS}, ?) as hour, count(*) as n from s where dead > ? group by 2
    union all
    select 'last' as edge, min((dead - 1) / ${HOUR_MS}, ?) as hour, count(*) as n from s where dead > ? group by 2`,
  postgresql: `with s as (
      select floor(extract(epoch from created_at) * 1000) as born,
             floor(extract(epoch from least(revoked_at, expires_at, last_used_at + make_interval(secs => ?::double precision))) * 1000) as dead
      from sessions where created_at < ?::timestamptz and expires_at > ?::timestamptz
    )
    select 'first' as edge, greatest(floor(born / ${HOUR_MS}), ?::bigint) as hour, count(*) as n from s where dead > ?::bigint group by 2
    union all
    select 'last' as edge, least(floor((dead - 1) / ${HOUR_MS}), ?::bigint) as hour, count(*) as n from s where dead > ?::bigint group by 2`,
};

/** The console's charts: hourly numbers aggregated in the database, two statements per call whatever the range. */
export class AuthStatsService {
  constructor(private readonly dialect: DatabaseConfig['kind'], private readonly clock: Clock, private readonly idleTtlSeconds: number) {}

  async stats(em: EntityManager, range: StatsRange): Promise<AuthStats> {
    const hours = HOURS[range];
    const lastHour = Math.floor(this.clock.now().getTime() / HOUR_MS);
    const firstHour = lastHour - hours + 1;
    const from = new Date(firstHour * HOUR_MS);
    const to = new Date((lastHour + 1) * HOUR_MS);
    const buckets: AuthStatsBucket[] = Array.from({ length: hours }, (_, i) => ({
      start: new Date((firstHour + i) * HOUR_MS),
      signIns: 0,
      signInFailures: 0,
      rateLimited: 0,
      refreshReuse: 0,
      activeSessions: 0,
    }));
    const sql = em as SqlEntityManager;
    const pg = this.dialect === 'postgresql';
    const at = (d: Date) => (pg ? d : d.getTime());
    const [events, edges] = await Promise.all([
      sql.execute(pg ? AUDIT_SQL.postgresql : AUDIT_SQL.sqlite, [...TYPES, at(from), at(to)]) as Promise<Array<{ type: string; hour: unknown; n: unknown }>>,
      sql.execute(pg ? SESSIONS_SQL.postgresql : SESSIONS_SQL.sqlite, [pg ? this.idleTtlSeconds : this.idleTtlSeconds * 1000, at(to), at(from), firstHour, from.getTime(), lastHour, from.getTime()]) as Promise<
        Array<{ edge: string; hour: unknown; n: unknown }>
      >,
    ]);
    for (const row of events) {
      const bucket = buckets[Number(row.hour) - firstHour];
      if (bucket) bucket[COUNTS[row.type]] += Number(row.n);
    }
    // +n from a session's first hour, -n after its last: the running sum is the number open in each hour.
    const delta = new Array<number>(hours + 1).fill(0);
    for (const row of edges) {
      const i = Number(row.hour) - firstHour;
      if (row.edge === 'first') delta[i] += Number(row.n);
      else delta[i + 1] -= Number(row.n);
    }
    let open = 0;
    buckets.forEach((bucket, i) => (bucket.activeSessions = open += delta[i]));
    return { range, from, to, buckets };
  }
}
