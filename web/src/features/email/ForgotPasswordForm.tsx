import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { graphql } from '../../gql';
import { useAuthForm } from '../auth/use-auth-form';

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

/** "Forgot your password?": the answer is the same whether or not an account has the address. */
export function ForgotPasswordForm() {
  const [request] = useMutation(RequestPasswordResetDocument);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { onSubmit, busy, message, problem, waiting } = useAuthForm(async (form) => {
    const email = String(form.get('email'));
    await request({ variables: { email } });
    setSentTo(email);
  });
  return (
    <form onSubmit={onSubmit} aria-labelledby="forgot-title">
      <h2 id="forgot-title">Reset your password</h2>
      <p>Enter the e-mail address of your account. We send a link to set a new password.</p>
      {sentTo && (
        <Alert kind="notice">
          If an account uses {sentTo}, a link is on its way. It works once, for a short while; check your spam folder too.
        </Alert>
      )}
      {message && <Alert kind={problem?.code === 'RATE_LIMITED' && !waiting ? 'notice' : 'error'}>{message}</Alert>}
      <Field label="E-mail address" name="email" type="email" autoComplete="email" required maxLength={254} spellCheck={false} autoCapitalize="none" />
      <Button type="submit" variant="primary" busy={busy} busyLabel="Sending…" disabled={waiting}>
        Send the link
      </Button>
    </form>
  );
}
