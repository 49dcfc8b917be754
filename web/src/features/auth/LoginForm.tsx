import { useMutation } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { graphql } from '../../gql';
import { useSessionServices } from '../../lib/session-react';
import { useAuthForm } from './use-auth-form';

const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      ...SignedIn
    }
  }
`);

/** A real form: labelled fields, the browser's password manager, Enter submits, errors in words. */
export function LoginForm({ username }: { username?: string }) {
  const { session } = useSessionServices();
  const [login] = useMutation(LoginDocument);
  const { onSubmit, busy, message, problem, waiting } = useAuthForm(async (form) => {
    const { data } = await login({ variables: { input: { username: String(form.get('username')), password: String(form.get('password')) } } });
    if (data) session.signIn(data.login);
  });
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
