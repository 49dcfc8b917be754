import { useMutation } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { graphql } from '../../gql';
import { useSessionServices } from '../../lib/session-react';
import { useAuthForm } from './use-auth-form';

const RegisterDocument = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      ...SignedIn
    }
  }
`);

export function SignUpForm() {
  const { session } = useSessionServices();
  const [register] = useMutation(RegisterDocument);
  const { onSubmit, busy, message, problem, waiting } = useAuthForm(async (form) => {
    const { data } = await register({ variables: { input: { username: String(form.get('username')), password: String(form.get('password')), email: String(form.get('email') ?? '') || null } } });
    if (data) session.signIn(data.register);
  });
  const inline = problem?.field === 'username' || problem?.field === 'password' || problem?.field === 'email';
  return (
    <form onSubmit={onSubmit} aria-labelledby="signup-title">
      <h2 id="signup-title">Create an account</h2>
      {message && !inline && <Alert kind={problem?.code === 'RATE_LIMITED' && !waiting ? 'notice' : 'error'}>{message}</Alert>}
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        required
        minLength={3}
        maxLength={32}
        pattern="[A-Za-z0-9_.\-]{3,32}"
        // The browser adds the title to its "match the requested format" message: the rule, not just "wrong".
        title="3 to 32 ASCII letters (a–z, A–Z), digits, “_”, “.” or “-”."
        autoCapitalize="none"
        spellCheck={false}
        hint="3 to 32 ASCII letters (a–z, A–Z), digits, “_”, “.” or “-”."
        error={problem?.field === 'username' ? problem.message : undefined}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        hint="At least 8 characters; a phrase of a few words is easy to remember and hard to guess."
        error={problem?.field === 'password' ? problem.message : undefined}
      />
      <Field
        label="E-mail address (optional)"
        name="email"
        type="email"
        autoComplete="email"
        maxLength={254}
        autoCapitalize="none"
        spellCheck={false}
        hint="To reset your password if you forget it. We send a link to confirm it."
        error={problem?.field === 'email' ? problem.message : undefined}
      />
      <Button type="submit" variant="primary" busy={busy} busyLabel="Creating your account…" disabled={waiting}>
        Create account
      </Button>
    </form>
  );
}
