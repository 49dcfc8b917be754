import { useApolloClient, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button } from '../../components/Button';
import { graphql } from '../../gql';
import { describeError } from '../../lib/errors';
import { useSessionServices } from '../../lib/session-react';

/** `logout` without an argument: the server ends the refresh cookie's session and clears the cookie. */
const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

export function LogoutButton() {
  const { session } = useSessionServices();
  const client = useApolloClient();
  const [logout, { loading }] = useMutation(LogoutDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const onClick = async () => {
    setProblem(null);
    try {
      await logout();
    } catch (err) {
      // Signed out here regardless; say so if the server could not be told.
      setProblem(describeError(err).message);
    }
    session.signOut(null);
    await client.clearStore();
  };
  return (
    <>
      <Button onClick={onClick} busy={loading} busyLabel="Logging out…">
        Log out
      </Button>
      {problem && (
        <span role="alert" className="inline-error">
          {problem}
        </span>
      )}
    </>
  );
}
