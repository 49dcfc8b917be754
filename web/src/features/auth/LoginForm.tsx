import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { SecondStep } from '../../components/SecondStep';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { graphql } from '../../gql';
import { describeError } from '../../lib/errors';
import { useSessionServices } from '../../lib/session-react';
import { useAuthForm } from './use-auth-form';

const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      ...SignedIn
    }
  }
`);

/**
 * A real form: labelled fields, the browser's password manager, Enter submits, errors in words. An account with a
 * second factor answers MFA_REQUIRED: the second step replaces the form.
 */
export function LoginForm({ username }: { username?: string }) {
  const { session } = useSessionServices();
  const [login] = useMutation(LoginDocument);
  const [second, setSecond] = useState<{ mfaToken: string; methods: string[]; username: string } | null>(null);
  const { onSubmit, busy, message, problem, waiting } = useAuthForm(async (form) => {
    const name = String(form.get('username'));
    try {
      const { data } = await login({ variables: { input: { username: name, password: String(form.get('password')) } } });
      if (data) session.signIn(data.login);
    } catch (err) {
      const p = describeError(err);
      if (!p.mfaToken) throw err;
      setSecond({ mfaToken: p.mfaToken, methods: p.methods ?? [], username: name });
    }
  });
  if (second) {
    return (
      <section aria-labelledby="second-step-title">
        <p>Signing in as {second.username}.</p>
        <SecondStep mfaToken={second.mfaToken} methods={second.methods} onDone={(payload) => session.signIn(payload)} onRestart={() => setSecond(null)} />
      </section>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-labelledby="login-title" noValidate={false}>
      <h2 id="login-title">Log in</h2>
      {message && <Alert kind={problem?.code === 'RATE_LIMITED' && !waiting ? 'notice' : 'error'}>{message}</Alert>}
      <Field label="Username or e-mail address" name="username" autoComplete="username" required defaultValue={username} autoCapitalize="none" spellCheck={false} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" variant="primary" busy={busy} busyLabel="Logging in…" disabled={waiting}>
        Log in
      </Button>
    </form>
  );
}
