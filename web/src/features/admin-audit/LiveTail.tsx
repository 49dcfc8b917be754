import { useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import type { AuditFilter, AuditRowFragment } from '../../gql/graphql';
import { useViewerAccess } from '../../lib/access';
import { describeError } from '../../lib/errors';
import { AuditEventAddedDocument } from './audit.documents';
import { AuditTable } from './AuditTable';

const KEEP = 50;

/** auditEventAdded over the app's WebSocket: new events as they are recorded, newest first (the last 50). */
export function LiveTail({ filter }: { filter: AuditFilter }) {
  const { can } = useViewerAccess();
  const [on, setOn] = useState(false);
  const [rows, setRows] = useState<AuditRowFragment[]>([]);
  // since/until do not apply to what happens from now on.
  const live = useMemo(() => ({ ...filter, since: null, until: null }), [filter]);
  const { error } = useSubscription(AuditEventAddedDocument, {
    variables: { filter: live },
    skip: !on,
    onData: ({ data }) => {
      const event = data.data?.auditEventAdded;
      if (event) setRows((r) => [event, ...r].slice(0, KEEP));
    },
  });
  return (
    <section aria-labelledby="tail-title" className="live-tail">
      <h2 id="tail-title">Live tail</h2>
      <Button aria-pressed={on} onClick={() => setOn((v) => !v)}>
        {on ? 'Stop the live tail' : 'Start the live tail'}
      </Button>
      <p className="muted">New events matching the filters (not the time range) appear here as they are recorded; the last {KEEP} stay.</p>
      {error && <Alert>{describeError(error).message}</Alert>}
      <div aria-live="polite" aria-atomic="false">
        {on && rows.length === 0 && <p>Waiting for events…</p>}
        {rows.length > 0 && <AuditTable linkPeople={can('users:read')} rows={rows} caption="Live events, newest first" testId="live-tail" />}
      </div>
    </section>
  );
}
