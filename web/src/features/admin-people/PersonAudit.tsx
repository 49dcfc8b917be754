import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { describeError } from '../../lib/errors';
import { describeDevice, formatDateTime } from '../../lib/format';
import { AdminUserAuditDocument, AdminUserFailuresDocument } from './people.documents';

const PAGE = 20;

/** The account's audit trail, newest first (audit:read), a page at a time. */
export function PersonAudit({ userId }: { userId: string }) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const { data, error } = useQuery(AdminUserAuditDocument, { variables: { userId, first: PAGE, after: cursors[cursors.length - 1] }, fetchPolicy: 'cache-and-network' });
  const [since] = useState(() => new Date(Date.now() - 24 * 3600_000).toISOString());
  const { data: failures } = useQuery(AdminUserFailuresDocument, { variables: { userId, since }, fetchPolicy: 'cache-and-network' });
  const events = data?.auditEvents;
  const latest = failures?.auditEvents.edges[0]?.node;
  return (
    <>
      <h2>Audit trail</h2>
      {failures && (
        <p data-testid="person-failures">
          Failures and refusals in the last 24 hours: <strong>{failures.auditEvents.totalCount}</strong>
          {latest && ` (latest: ${latest.type} at ${formatDateTime(latest.at)}${latest.ip ? ` from ${latest.ip}` : ''})`}.
        </p>
      )}
      {error && <Alert>{describeError(error).message}</Alert>}
      {events && events.totalCount === 0 && <p>No events.</p>}
      {events && events.edges.length > 0 && (
        <>
          <table className="data" data-testid="person-audit">
            <caption className="visually-hidden">Audit events of this account, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">By</th>
                <th scope="col">From</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.edges.map(({ node: e }) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <th scope="row">{e.type}</th>
                  <td>{e.outcome === 'FAILURE' ? 'Failure' : 'Success'}</td>
                  <td>{e.actorId ? (e.actorId === userId ? 'the account' : <code>{e.actorId}</code>) : '—'}</td>
                  <td>
                    {e.ip ?? '—'}
                    {e.userAgent ? `, ${describeDevice(e.userAgent)}` : ''}
                  </td>
                  <td>
                    <code>{e.detail ?? ''}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="Audit pages" className="actions">
            <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Newer events
            </Button>
            <Button disabled={!events.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, events.pageInfo.endCursor ?? null])}>
              Older events
            </Button>
          </nav>
        </>
      )}
    </>
  );
}
