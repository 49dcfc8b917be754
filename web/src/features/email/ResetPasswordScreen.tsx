import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { PageTitle } from '../../components/PageTitle';
import { graphql } from '../../gql';
import { describeError, type Problem } from '../../lib/errors';
import { Link, useRouter } from '../../lib/router';
import { useSessionServices } from '../../lib/session-react';
import { takeLinkToken } from './link-token';

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) {
      ...SignedIn
    }
  }
`);

const TOKEN_PROBLEMS = new Set(['TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_USED', 'TOKEN_SUPERSEDED']);

/** The page a reset mail links to: a new password, then the person is signed in (everywhere else signed out). */
export function ResetPasswordScreen() {
  const { session } = useSessionServices();
  const { navigate } = useRouter();
  const [token] = useState(takeLinkToken);
  const [reset] = useMutation(ResetPasswordDocument);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get('newPassword') !== form.get('repeat')) {
      setProblem({ message: 'The two passwords differ. Type the same new password twice.', field: 'repeat' });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const { data } = await reset({ variables: { token: token!, newPassword: String(form.get('newPassword')) } });
      if (data) {
        session.signIn(data.resetPassword);
        navigate('/', { replace: true });
      }
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const linkDead = !token || TOKEN_PROBLEMS.has(problem?.reason ?? '');
  return (
    <section aria-labelledby="reset-title" className="auth-screen">
      <PageTitle id="reset-title">Choose a new password</PageTitle>
      {!token && <Alert>This page needs the link from your mail. Ask for a new one from the sign-in page.</Alert>}
      {problem && problem.field !== 'newPassword' && problem.field !== 'repeat' && <Alert>{problem.message}</Alert>}
      {linkDead ? (
        <p>
          <Link to="/">Back to the sign-in page</Link>, where “Forgot your password?” sends a new link.
        </p>
      ) : (
        <form onSubmit={onSubmit} aria-label="Set a new password">
          <p>Setting it signs you out on every device, then signs you in here.</p>
          <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint="At least 8 characters." error={problem?.field === 'newPassword' ? problem.message : undefined} />
          <Field label="New password again" name="repeat" type="password" autoComplete="new-password" required error={problem?.field === 'repeat' ? problem.message : undefined} />
          <Button type="submit" variant="primary" busy={busy} busyLabel="Saving…">
            Set the new password
          </Button>
        </form>
      )}
    </section>
  );
}
