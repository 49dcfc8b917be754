import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { graphql } from '../../gql';
import { describeError } from '../../lib/errors';
import { describeDevice, formatDateTime } from '../../lib/format';
import { useSessionServices } from '../../lib/session-react';

const MySessionsDocument = graphql(`
  query MySessions {
    mySessions {
      id
      createdAt
      lastUsedAt
      expiresAt
      userAgent
      ip
      current
    }
  }
`);

/** `logout` without an argument ends the session of the refresh cookie: this device. */
const LogoutThisDeviceDocument = graphql(`
  mutation LogoutThisDevice {
    logout
  }
`);

const LogoutAllDocument = graphql(`
  mutation LogoutAll {
    logoutAll
  }
`);

const RevokeSessionDocument = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

/** Where the person is signed in, and three ways out: this device, that device, everywhere. */
export function SessionsView() {
  const { session } = useSessionServices();
  const client = useApolloClient();
  const { data, loading, error } = useQuery(MySessionsDocument, { fetchPolicy: 'cache-and-network' });
  const [logout, { loading: loggingOut }] = useMutation(LogoutThisDeviceDocument);
  const [logoutAll, { loading: loggingOutAll }] = useMutation(LogoutAllDocument);
  const [revoke] = useMutation(RevokeSessionDocument, { refetchQueries: [MySessionsDocument] });
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = async (action: () => Promise<unknown>) => {
    setProblem(null);
    setNotice(null);
    try {
      await action();
      return true;
    } catch (err) {
      setProblem(describeError(err).message);
      return false;
    }
  };
  const signOutHere = async () => {
    if (await run(() => logout())) {
      session.signOut(null);
      await client.clearStore();
    }
  };
  const signOutEverywhere = async () => {
    if (await run(() => logoutAll())) {
      session.signOut(null);
      await client.clearStore();
    }
  };

  return (
    <section aria-labelledby="sessions-title">
      <PageTitle id="sessions-title">Where you are signed in</PageTitle>
      {problem && <Alert>{problem}</Alert>}
      {notice && <Alert kind="notice">{notice}</Alert>}
      <div className="actions">
        <Button onClick={signOutHere} busy={loggingOut} busyLabel="Signing out…">
          Sign out on this device
        </Button>
        <Button variant="danger" onClick={signOutEverywhere} busy={loggingOutAll} busyLabel="Signing out everywhere…">
          Sign out everywhere
        </Button>
      </div>
      {error && !data && <Alert>{describeError(error).message}</Alert>}
      {loading && !data && <Loading />}
      {data && (
        <table className="sessions">
          <caption className="visually-hidden">Your sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.mySessions.map((s) => (
              <tr key={s.id} aria-current={s.current ? 'true' : undefined}>
                <th scope="row">
                  {describeDevice(s.userAgent)}
                  {s.current && <span className="tag"> (this device)</span>}
                </th>
                <td>{s.ip ?? 'unknown'}</td>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>{formatDateTime(s.lastUsedAt)}</td>
                <td>
                  {s.current ? (
                    <Button variant="link" onClick={signOutHere}>
                      Sign out
                    </Button>
                  ) : (
                    <Button
                      variant="link"
                      onClick={async () => {
                        if (await run(() => revoke({ variables: { id: s.id } }))) setNotice(`Signed out ${describeDevice(s.userAgent)}.`);
                      }}
                      aria-label={`Sign out that device: ${describeDevice(s.userAgent)}, signed in ${formatDateTime(s.createdAt)}`}
                    >
                      Sign out that device
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
