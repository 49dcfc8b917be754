import { useApolloClient, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import type { AuditEventType, AuditFilter, AuditOutcome } from '../../gql/graphql';
import { useViewerAccess } from '../../lib/access';
import { describeError } from '../../lib/errors';
import { EXPORT_CAP, fetchForExport, toCsv, toNdjson } from './audit-export';
import { AUDIT_TYPES, typeLabel } from './audit-types';
import { AdminAuditDocument } from './audit.documents';
import { AuditTable } from './AuditTable';
import { LiveTail } from './LiveTail';

const PAGE = 50;

/** A datetime-local value (the browser's time zone) as an ISO instant, or null when empty. */
const instant = (value: FormDataEntryValue | null): string | null => (value ? new Date(String(value)).toISOString() : null);

/** audit:read: the trail with filters, cursor pages, an export of the filtered rows and a live tail. */
export function AuditView() {
  const client = useApolloClient();
  const { can } = useViewerAccess();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const { data, loading, error } = useQuery(AdminAuditDocument, { variables: { first: PAGE, after: cursors[cursors.length - 1], filter }, fetchPolicy: 'cache-and-network' });
  const [exporting, setExporting] = useState<string | null>(null);
  const [download, setDownload] = useState<{ href: string; name: string; note: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const types = form.getAll('types').map(String) as AuditEventType[];
    const next: AuditFilter = {
      types: types.length ? types : null,
      userId: String(form.get('userId') ?? '').trim() || null,
      actorId: String(form.get('actorId') ?? '').trim() || null,
      outcome: (String(form.get('outcome') ?? '') || null) as AuditOutcome | null,
      since: instant(form.get('since')),
      until: instant(form.get('until')),
    };
    setFilter(next);
    setCursors([null]);
    setDownload(null);
  };

  const onExport = async (format: 'csv' | 'ndjson') => {
    setProblem(null);
    setDownload(null);
    setExporting(`Fetching rows… 0`);
    try {
      const { rows, total, truncated } = await fetchForExport(client, filter, (n) => setExporting(`Fetching rows… ${n}`));
      const blob = new Blob([format === 'csv' ? toCsv(rows) : toNdjson(rows)], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const note = truncated ? `${rows.length} of ${total} rows: the export stops at ${EXPORT_CAP.toLocaleString('en')} rows; narrow the filters for the rest.` : `${rows.length} rows.`;
      setDownload({ href: URL.createObjectURL(blob), name: `audit-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}`, note });
    } catch (err) {
      setProblem(describeError(err).message);
    } finally {
      setExporting(null);
    }
  };

  const events = data?.auditEvents;
  return (
    <section aria-labelledby="audit-title">
      <PageTitle id="audit-title">Audit trail</PageTitle>
      <form className="filters" aria-label="Filter the audit trail" onSubmit={onFilter}>
        <div className="field">
          <label htmlFor="audit-types">Event types</label>
          <select id="audit-types" name="types" multiple size={6} aria-describedby="audit-types-hint">
            {AUDIT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t} — {typeLabel(t)}
              </option>
            ))}
          </select>
          <p className="hint" id="audit-types-hint">
            None chosen: every type. Ctrl or Shift with the arrow keys and Space chooses several.
          </p>
        </div>
        <div className="inline-form">
          <div className="field">
            <label htmlFor="audit-subject">Subject (account id)</label>
            <input id="audit-subject" name="userId" />
          </div>
          <div className="field">
            <label htmlFor="audit-actor">Actor (account id)</label>
            <input id="audit-actor" name="actorId" />
          </div>
          <div className="field">
            <label htmlFor="audit-outcome">Outcome</label>
            <select id="audit-outcome" name="outcome" defaultValue="">
              <option value="">Any</option>
              <option value="SUCCESS">Success</option>
              <option value="FAILURE">Failure</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-since">From (inclusive)</label>
            <input id="audit-since" name="since" type="datetime-local" />
          </div>
          <div className="field">
            <label htmlFor="audit-until">Until (exclusive)</label>
            <input id="audit-until" name="until" type="datetime-local" />
          </div>
        </div>
        <Button type="submit" variant="primary">
          Apply the filters
        </Button>
      </form>

      <h2>Export</h2>
      <p className="muted">The filtered rows, newest first, fetched page by page in this browser: at most {EXPORT_CAP.toLocaleString('en')} rows per export.</p>
      <div className="actions">
        <Button onClick={() => void onExport('csv')} disabled={Boolean(exporting)}>
          Export as CSV
        </Button>
        <Button onClick={() => void onExport('ndjson')} disabled={Boolean(exporting)}>
          Export as NDJSON
        </Button>
      </div>
      {exporting && <Loading label={exporting} />}
      {problem && <Alert>{problem}</Alert>}
      {download && (
        <Alert kind="notice">
          Ready: {download.note}{' '}
          <a href={download.href} download={download.name}>
            Download {download.name}
          </a>
        </Alert>
      )}

      <LiveTail filter={filter} />

      <h2>Events</h2>
      {error && !data && <Alert>{describeError(error).message}</Alert>}
      {loading && !data && <Loading />}
      {events && (
        <>
          <p role="status" className="muted">
            {events.totalCount === 1 ? '1 event' : `${events.totalCount} events`} match, page {cursors.length}.
          </p>
          <AuditTable linkPeople={can('users:read')} rows={events.edges.map((e) => e.node)} caption="Audit events, newest first" testId="audit-rows" />
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
    </section>
  );
}
