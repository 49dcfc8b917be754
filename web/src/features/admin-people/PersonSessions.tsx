import { useMutation, useQuery } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { ConfirmButton } from '../../components/ConfirmButton';
import { describeError } from '../../lib/errors';
import { describeDevice, formatDateTime } from '../../lib/format';
import { AdminUserSessionsDocument, RevokeUserSessionDocument, RevokeUserSessionsDocument } from './people.documents';
import { useAdminAction } from './use-admin-action';

/** Where the account is signed in (sessions:manage reads and ends them; the server allows nothing less). */
export function PersonSessions({ userId, username, canManage }: { userId: string; username: string; canManage: boolean }) {
  const { data, error } = useQuery(AdminUserSessionsDocument, { variables: { id: userId }, skip: !canManage, fetchPolicy: 'cache-and-network' });
  const refetch = { refetchQueries: [AdminUserSessionsDocument] };
  const [revokeOne] = useMutation(RevokeUserSessionDocument, refetch);
  const [revokeAll] = useMutation(RevokeUserSessionsDocument, refetch);
  const { busy, outcome, run, prompt } = useAdminAction();
  const sessions = data?.user?.sessions ?? [];
  return (
    <>
      <h2>Sessions</h2>
      {!canManage && <p className="muted">Reading and ending sessions needs the sessions:manage permission.</p>}
      {error && <Alert>{describeError(error).message}</Alert>}
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      {prompt}
      {canManage && data && sessions.length === 0 && <p>No open sessions.</p>}
      {sessions.length > 0 && (
        <>
          <table className="data">
            <caption className="visually-hidden">{username}'s open sessions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last use</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{describeDevice(s.userAgent)}</th>
                  <td>{s.ip ?? 'unknown'}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{formatDateTime(s.lastUsedAt)}</td>
                  <td>
                    <ConfirmButton
                      variant="link"
                      label={`End session: ${describeDevice(s.userAgent)}, signed in ${formatDateTime(s.createdAt)}`}
                      title="End this session?"
                      description={`${username} is signed out on ${describeDevice(s.userAgent)} at once.`}
                      confirmLabel="Yes, end it"
                      busy={busy === s.id}
                      onConfirm={() => run(s.id, () => revokeOne({ variables: { id: s.id } }), 'The session is ended.')}
                    >
                      End session
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ConfirmButton
            variant="danger"
            title={`End every session of ${username}?`}
            description="The account is signed out on every device at once (its API tokens keep working)."
            confirmLabel="Yes, end them all"
            busy={busy === 'all'}
            onConfirm={() => run('all', async () => (await revokeAll({ variables: { userId } })).data?.revokeUserSessions, `Every session of ${username} is ended.`)}
          >
            End every session
          </ConfirmButton>
        </>
      )}
    </>
  );
}
