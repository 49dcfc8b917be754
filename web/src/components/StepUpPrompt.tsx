import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { graphql } from '../gql';
import { describeError, type Problem } from '../lib/errors';
import type { TokenPayload, Viewer } from '../lib/session';
import { getPasskeyAssertion, passkeyProblem, passkeysSupported } from '../lib/webauthn';
import { Alert } from './Alert';
import { Button } from './Button';
import { Field } from './Field';
import { FinishPasskeyLoginDocument, SecondStep, StartPasskeyLoginDocument } from './SecondStep';

const StepUpLoginDocument = graphql(`
  mutation StepUpLogin($input: LoginInput!) {
    login(input: $input) {
      ...SignedIn
    }
  }
`);

/**
 * "Confirm it is you" when an operation answers FRESH_LOGIN_REQUIRED or INSUFFICIENT_USER_AUTHENTICATION (RFC 9470):
 * the password and then the second factor, or a passkey alone. `onDone` gets the fresh session; the caller retries.
 */
export function StepUpPrompt({ viewer, what, onDone, onCancel }: { viewer: Viewer; what: string; onDone: (payload: TokenPayload) => void; onCancel: () => void }) {
  const [login] = useMutation(StepUpLoginDocument);
  const [startPasskey] = useMutation(StartPasskeyLoginDocument);
  const [finishPasskey] = useMutation(FinishPasskeyLoginDocument);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [second, setSecond] = useState<{ mfaToken: string; methods: string[] } | null>(null);

  const done = (payload: TokenPayload) => {
    // A passkey of another account would open that account's session: refuse it here.
    if (payload.user.id !== viewer.id) setProblem({ message: `That passkey belongs to another account, not ${viewer.username}.` });
    else onDone(payload);
  };

  const onPassword = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password'));
    setBusy(true);
    setProblem(null);
    try {
      const { data } = await login({ variables: { input: { username: viewer.username, password } } });
      if (data) done(data.login);
    } catch (err) {
      const p = describeError(err);
      if (p.mfaToken) setSecond({ mfaToken: p.mfaToken, methods: p.methods ?? [] });
      else setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  const onPasskey = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const options = (await startPasskey({ variables: {} })).data?.startPasskeyLogin;
      const payload = options ? (await finishPasskey({ variables: { response: await getPasskeyAssertion(options) } })).data?.finishPasskeyLogin : undefined;
      if (payload) done(payload);
    } catch (err) {
      const words = passkeyProblem(err);
      setProblem(words ? { message: words } : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="confirm" aria-labelledby="step-up-title">
      <h2 id="step-up-title">Confirm it is you</h2>
      <Alert kind="notice">For your security, {what} needs a recent sign-in (with your second factor, if you have one). The change is sent again once you have confirmed.</Alert>
      {problem && <Alert>{problem.message}</Alert>}
      {second ? (
        <SecondStep mfaToken={second.mfaToken} methods={second.methods} onDone={done} onRestart={() => setSecond(null)} />
      ) : (
        <>
          <form onSubmit={onPassword} aria-label="Confirm with your password">
            <input type="text" name="username" autoComplete="username" value={viewer.username} readOnly hidden />
            <Field label={`Password for ${viewer.username}`} name="password" type="password" autoComplete="current-password" required autoFocus />
            <Button type="submit" variant="primary" busy={busy} busyLabel="Confirming…">
              Confirm
            </Button>
          </form>
          {passkeysSupported() && (
            <Button onClick={() => void onPasskey()} disabled={busy}>
              Confirm with a passkey
            </Button>
          )}
          <Button variant="link" onClick={onCancel}>
            Cancel
          </Button>
        </>
      )}
    </section>
  );
}

/** Whether an error asks for the step-up prompt. */
export const asksForStepUp = (p: Problem | null): boolean => p?.reason === 'FRESH_LOGIN_REQUIRED' || p?.reason === 'INSUFFICIENT_USER_AUTHENTICATION';
