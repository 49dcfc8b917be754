import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import type { StatsRange } from '../../gql/graphql';
import { describeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { Chart } from './Chart';
import { AuthStatsDocument } from './charts.documents';

const RANGES: Array<{ value: StatsRange; label: string }> = [
  { value: 'LAST_24_HOURS', label: 'Last 24 hours' },
  { value: 'LAST_7_DAYS', label: 'Last 7 days' },
];

const COLUMNS = [
  ['signIns', 'Sign-ins'],
  ['signInFailures', 'Failed sign-ins'],
  ['rateLimited', 'Rate-limit refusals'],
  ['refreshReuse', 'Refresh-token reuse'],
  ['activeSessions', 'Active sessions'],
] as const;

/** audit:read: the sign-in picture per hour (authStats, aggregated by the server), as charts and as a table. */
export function ChartsView() {
  const [range, setRange] = useState<StatsRange>('LAST_24_HOURS');
  const [table, setTable] = useState(false);
  const { data, loading, error } = useQuery(AuthStatsDocument, { variables: { range }, fetchPolicy: 'cache-and-network' });
  const stats = data?.authStats;
  const total = (key: (typeof COLUMNS)[number][0]) => stats?.buckets.reduce((n, b) => n + b[key], 0) ?? 0;
  const peak = stats ? Math.max(0, ...stats.buckets.map((b) => b.activeSessions)) : 0;
  return (
    <section aria-labelledby="charts-title">
      <PageTitle id="charts-title">Sign-in activity</PageTitle>
      <div className="actions" role="group" aria-label="Time range">
        {RANGES.map((r) => (
          <Button key={r.value} aria-pressed={range === r.value} variant={range === r.value ? 'primary' : 'secondary'} onClick={() => setRange(r.value)}>
            {r.label}
          </Button>
        ))}
        <Button aria-expanded={table} aria-controls="stats-table" onClick={() => setTable((t) => !t)}>
          {table ? 'Hide the table' : 'Show the numbers as a table'}
        </Button>
      </div>
      {error && !data && <Alert>{describeError(error).message}</Alert>}
      {loading && !data && <Loading />}
      {stats && (
        <>
          <p className="muted">
            Hourly, from {formatDateTime(stats.from)} to {formatDateTime(stats.to)} (one bar or point an hour, newest on the right).
          </p>
          <Chart
            title="Sign-ins and failed sign-ins per hour"
            summary={`${total('signIns')} sign-ins and ${total('signInFailures')} failed sign-ins in ${stats.buckets.length} hours.`}
            buckets={stats.buckets}
            series={[
              { key: 'signIns', label: 'Sign-ins (solid bars)', look: 'solid' },
              { key: 'signInFailures', label: 'Failed sign-ins (hatched bars)', look: 'hatch' },
            ]}
          />
          <Chart
            title="Rate-limit refusals and refresh-token reuse per hour"
            summary={`${total('rateLimited')} rate-limit refusals and ${total('refreshReuse')} refresh-token reuse detections.`}
            buckets={stats.buckets}
            series={[
              { key: 'rateLimited', label: 'Rate-limit refusals (hatched bars)', look: 'hatch' },
              { key: 'refreshReuse', label: 'Refresh-token reuse (dotted bars)', look: 'dots' },
            ]}
          />
          <Chart
            title="Active sessions per hour"
            summary={`At most ${peak} sessions open in one hour.`}
            buckets={stats.buckets}
            series={[{ key: 'activeSessions', label: 'Active sessions (line with square markers)', look: 'line' }]}
          />
          <div id="stats-table" hidden={!table}>
            <table className="data" data-testid="stats-table">
              <caption>Sign-in activity per hour, {RANGES.find((r) => r.value === range)?.label.toLowerCase()}</caption>
              <thead>
                <tr>
                  <th scope="col">Hour starting</th>
                  {COLUMNS.map(([key, label]) => (
                    <th scope="col" key={key}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {stats.buckets.map((b) => (
                  <tr key={b.start}>
                    <th scope="row">
                      <time dateTime={b.start}>{formatDateTime(b.start)}</time>
                    </th>
                    {COLUMNS.map(([key]) => (
                      <td key={key} data-column={key}>
                        {b[key]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total (active sessions: the highest hour)</th>
                  {COLUMNS.map(([key]) => (
                    <td key={key} data-total={key}>
                      {key === 'activeSessions' ? peak : total(key)}
                    </td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
