import type { AuditRowFragment } from '../../gql/graphql';
import { describeDevice, formatDateTime } from '../../lib/format';
import { Link } from '../../lib/router';
import { typeLabel } from './audit-types';

/** Audit rows as a table: when, what, outcome in words, subject, actor, where from, detail. */
export function AuditTable({ rows, caption, testId, linkPeople }: { rows: AuditRowFragment[]; caption: string; testId?: string; linkPeople: boolean }) {
  // With users:read an account id opens that person's page.
  const account = (id: string | null | undefined) => (!id ? '—' : linkPeople ? <Link to={`/admin/people/${encodeURIComponent(id)}`}><code>{id}</code></Link> : <code>{id}</code>);
  return (
    <table className="data audit" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Outcome</th>
          <th scope="col">Subject</th>
          <th scope="col">Actor</th>
          <th scope="col">From</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr key={e.id}>
            <td>{formatDateTime(e.at)}</td>
            <th scope="row">
              <code>{e.type}</code>
              <span className="visually-hidden"> ({typeLabel(e.type)})</span>
            </th>
            <td>{e.outcome === 'FAILURE' ? '✕ Failure' : '✓ Success'}</td>
            <td>{account(e.userId)}</td>
            <td>{account(e.actorId)}</td>
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
  );
}
