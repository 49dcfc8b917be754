import { useMutation } from '@apollo/client/react';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { PageTitle } from '../../components/PageTitle';
import { StepUpPrompt } from '../../components/StepUpPrompt';
import { graphql } from '../../gql';
import { describeError, type Problem } from '../../lib/errors';
import { useSessionServices, useViewer } from '../../lib/session-react';

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      ...SignedIn
    }
  }
`);

const INLINE_FIELDS = new Set(['currentPassword', 'newPassword', 'repeat']);

/** A password check for the fresh-login prompt: a new sign-in whose token counts as recent. */
const ConfirmLoginDocument = graphql(`
  mutation ConfirmLogin($input: LoginInput!) {
    login(input: $input) {
      ...SignedIn
    }
  }
`);

/**
 * Change the password. The server wants a recent password check (tokens from a refresh never count): when it answers
 * FRESH_LOGIN_REQUIRED, the person confirms their password, signs in afresh, and the change is sent again.
 */
export function ChangePasswordForm() {
  const { session } = useSessionServices();
  const viewer = useViewer();
  const [change] = useMutation(ChangePasswordDocument);
  const [confirmLogin] = useMutation(ConfirmLoginDocument);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);
  const [needsFreshLogin, setNeedsFreshLogin] = useState(false);
  // An account with a second factor answers INSUFFICIENT_USER_AUTHENTICATION instead: password and second factor.
  const [needsStepUp, setNeedsStepUp] = useState(false);
  const pending = useRef<{ currentPassword: string; newPassword: string } | null>(null);

  const submitChange = async (input: { currentPassword: string; newPassword: string }) => {
    const { data } = await change({ variables: { input } });
    if (data) session.signIn(data.changePassword);
    setDone(true);
    pending.current = null;
  };

  const attempt = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    setDone(false);
    try {
      await action();
      setNeedsFreshLogin(false);
    } catch (err) {
      const p = describeError(err);
      if (p.reason === 'FRESH_LOGIN_REQUIRED') setNeedsFreshLogin(true);
      else if (p.reason === 'INSUFFICIENT_USER_AUTHENTICATION') setNeedsStepUp(true);
      else setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get('newPassword') !== form.get('repeat')) {
      setProblem({ message: 'The two new passwords differ. Type the same new password twice.', field: 'repeat' });
      return;
    }
    pending.current = { currentPassword: String(form.get('currentPassword')), newPassword: String(form.get('newPassword')) };
    void attempt(() => submitChange(pending.current!));
  };

  const onConfirm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password'));
    void attempt(async () => {
      const { data } = await confirmLogin({ variables: { input: { username: viewer.username, password } } });
      if (data) session.signIn(data.login);
      if (pending.current) await submitChange(pending.current);
    });
  };

  return (
    <section aria-labelledby="account-title">
      <PageTitle id="account-title">Change your password</PageTitle>
      <p>Changing your password signs you out on every other device.</p>
      {done && <Alert kind="notice">Your password was changed. Your other devices have been signed out.</Alert>}
      {problem && !INLINE_FIELDS.has(problem.field ?? '') && <Alert>{problem.message}</Alert>}
      {needsStepUp ? (
        <StepUpPrompt
          viewer={viewer}
          what="changing the password"
          onCancel={() => setNeedsStepUp(false)}
          onDone={(payload) => {
            session.signIn(payload);
            setNeedsStepUp(false);
            if (pending.current) void attempt(() => submitChange(pending.current!));
          }}
        />
      ) : needsFreshLogin ? (
        <form key="confirm" onSubmit={onConfirm} aria-labelledby="confirm-title" className="confirm">
          <h2 id="confirm-title">Confirm it is you</h2>
          <Alert>For your security, changing the password needs a recent sign-in. Enter your password to sign in again; the change is then sent at once.</Alert>
          <input type="text" name="username" autoComplete="username" value={viewer.username} readOnly hidden />
          <Field label={`Password for ${viewer.username}`} name="password" type="password" autoComplete="current-password" required autoFocus />
          <Button type="submit" variant="primary" busy={busy} busyLabel="Confirming…">
            Confirm and change password
          </Button>
          <Button onClick={() => setNeedsFreshLogin(false)}>Cancel</Button>
        </form>
      ) : (
        <form key="change" onSubmit={onSubmit} aria-label="Change password">
          <input type="text" name="username" autoComplete="username" value={viewer.username} readOnly hidden />
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={problem?.field === 'currentPassword' ? problem.message : undefined} />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
            hint="At least 8 characters."
            error={problem?.field === 'newPassword' ? problem.message : undefined}
          />
          <Field label="New password again" name="repeat" type="password" autoComplete="new-password" required error={problem?.field === 'repeat' ? problem.message : undefined} />
          <Button type="submit" variant="primary" busy={busy} busyLabel="Changing…">
            Change password
          </Button>
        </form>
      )}
    </section>
  );
}
