import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { graphql } from '../../gql';
import { describeError, type Problem } from '../../lib/errors';

const MyEmailDocument = graphql(`
  query MyEmail {
    me {
      id
      email
      emailVerified
    }
  }
`);

const SendEmailVerificationDocument = graphql(`
  mutation SendEmailVerification {
    sendEmailVerification
  }
`);

const ChangeEmailDocument = graphql(`
  mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {
    changeEmail(newEmail: $newEmail, currentPassword: $currentPassword)
  }
`);

/** The account page's address: what it is, whether it is confirmed, a new link, and moving to another address. */
export function EmailSection() {
  const { data } = useQuery(MyEmailDocument, { fetchPolicy: 'cache-and-network' });
  const [sendVerification] = useMutation(SendEmailVerificationDocument);
  const [changeEmail] = useMutation(ChangeEmailDocument);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const me = data?.me;

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      setNotice(await action());
    } catch (err) {
      const p = describeError(err);
      setProblem(p.reason === 'FRESH_LOGIN_REQUIRED' ? { ...p, message: 'Changing the address needs a recent sign-in: log out and in again, then retry.' } : p);
    } finally {
      setBusy(false);
    }
  };

  const onChange = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newEmail = String(form.get('newEmail'));
    void run(async () => {
      await changeEmail({ variables: { newEmail, currentPassword: String(form.get('currentPassword')) } });
      return `We sent a link to ${newEmail}. Your address changes when you use it.`;
    });
  };

  return (
    <section aria-labelledby="email-title">
      <h2 id="email-title">E-mail address</h2>
      {me && (
        <p>
          {me.email ? (
            <>
              <strong>{me.email}</strong> — {me.emailVerified ? 'confirmed' : 'not confirmed yet'}
            </>
          ) : (
            'Your account has no e-mail address: add one to be able to reset your password.'
          )}
        </p>
      )}
      {notice && <Alert kind="notice">{notice}</Alert>}
      {problem && <Alert>{problem.message}</Alert>}
      {me?.email && !me.emailVerified && (
        <Button busy={busy} busyLabel="Sending…" onClick={() => void run(async () => ((await sendVerification()).data?.sendEmailVerification ? 'A new confirmation link is on its way.' : 'Your address is already confirmed.'))}>
          Send the confirmation link again
        </Button>
      )}
      <form onSubmit={onChange} aria-label={me?.email ? 'Change e-mail address' : 'Add an e-mail address'}>
        <Field label={me?.email ? 'New e-mail address' : 'E-mail address'} name="newEmail" type="email" autoComplete="email" required maxLength={254} spellCheck={false} autoCapitalize="none" />
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required />
        <Button type="submit" variant="primary" busy={busy} busyLabel="Sending…">
          {me?.email ? 'Change address' : 'Add address'}
        </Button>
      </form>
    </section>
  );
}
