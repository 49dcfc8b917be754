import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { graphql } from '../../gql';
import { describeError } from '../../lib/errors';
import { Link } from '../../lib/router';
import { takeLinkToken } from './link-token';

const VerifyEmailDocument = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token) {
      id
    }
  }
`);

/** The page confirmation and address-change mails link to: it uses the link at once and says how it went. */
export function VerifyEmailScreen() {
  const [verify] = useMutation(VerifyEmailDocument);
  const [state, setState] = useState<{ kind: 'working' } | { kind: 'done' } | { kind: 'failed'; message: string }>({ kind: 'working' });
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // React's development double effect must not use the link twice
    started.current = true;
    const token = takeLinkToken();
    if (!token) return setState({ kind: 'failed', message: 'This page needs the link from your mail.' });
    verify({ variables: { token } })
      .then(() => setState({ kind: 'done' }))
      .catch((err) => setState({ kind: 'failed', message: describeError(err).message }));
  }, [verify]);
  return (
    <section aria-labelledby="verify-title" className="auth-screen">
      <PageTitle id="verify-title">Confirm your e-mail address</PageTitle>
      {state.kind === 'working' && <Loading label="Confirming…" />}
      {state.kind === 'done' && <Alert kind="notice">Your e-mail address is confirmed.</Alert>}
      {state.kind === 'failed' && <Alert>{state.message} You can send a new link from your account page.</Alert>}
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}
