import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { graphql } from '../gql';
import { describeError, type Problem } from '../lib/errors';
import type { TokenPayload } from '../lib/session';
import { getPasskeyAssertion, passkeyProblem, passkeysSupported } from '../lib/webauthn';
import { Alert } from './Alert';
import { Button } from './Button';
import { Field } from './Field';

const CompleteMfaLoginDocument = graphql(`
  mutation CompleteMfaLogin($mfaToken: String!, $code: String!) {
    completeMfaLogin(mfaToken: $mfaToken, code: $code) {
      ...SignedIn
    }
  }
`);

export const StartPasskeyLoginDocument = graphql(`
  mutation StartPasskeyLogin($mfaToken: String) {
    startPasskeyLogin(mfaToken: $mfaToken)
  }
`);

export const FinishPasskeyLoginDocument = graphql(`
  mutation FinishPasskeyLogin($response: String!, $mfaToken: String) {
    finishPasskeyLogin(response: $response, mfaToken: $mfaToken) {
      ...SignedIn
    }
  }
`);

/**
 * The second step after a right password (login, or the step-up prompt): a code from the authenticator app or a
 * recovery code, or a passkey when the account has one. `onDone` gets the new session's tokens.
 */
export function SecondStep({ mfaToken, methods, onDone, onRestart }: { mfaToken: string; methods: string[]; onDone: (payload: TokenPayload) => void; onRestart: () => void }) {
  const [complete] = useMutation(CompleteMfaLoginDocument);
  const [startPasskey] = useMutation(StartPasskeyLoginDocument);
  const [finishPasskey] = useMutation(FinishPasskeyLoginDocument);
  const [busy, setBusy] = useState<'code' | 'passkey' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const hasCode = methods.includes('totp') || methods.includes('recovery_code');
  const hasPasskey = methods.includes('passkey') && passkeysSupported();

  const run = async (kind: 'code' | 'passkey', action: () => Promise<TokenPayload | undefined>) => {
    setBusy(kind);
    setProblem(null);
    try {
      const payload = await action();
      if (payload) onDone(payload);
    } catch (err) {
      const words = passkeyProblem(err);
      setProblem(words ? { message: words } : describeError(err));
    } finally {
      setBusy(null);
    }
  };

  const onCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code')).trim();
    void run('code', async () => (await complete({ variables: { mfaToken, code } })).data?.completeMfaLogin);
  };

  const onPasskey = () =>
    void run('passkey', async () => {
      const options = (await startPasskey({ variables: { mfaToken } })).data?.startPasskeyLogin;
      if (!options) return undefined;
      return (await finishPasskey({ variables: { mfaToken, response: await getPasskeyAssertion(options) } })).data?.finishPasskeyLogin;
    });

  const spent = problem?.code === 'INVALID_MFA_TOKEN';
  return (
    <div className="second-step">
      <h2 id="second-step-title">Second step</h2>
      {problem && (
        <Alert>
          {problem.message}
          {problem.attemptsLeft !== undefined && problem.attemptsLeft > 0 && ` ${problem.attemptsLeft} ${problem.attemptsLeft === 1 ? 'try' : 'tries'} left.`}{' '}
          {(spent || problem.attemptsLeft === 0) && (
            <Button variant="link" onClick={onRestart}>
              Start again
            </Button>
          )}
        </Alert>
      )}
      {hasPasskey && (
        <Button variant={hasCode ? 'secondary' : 'primary'} busy={busy === 'passkey'} busyLabel="Waiting for the passkey…" onClick={onPasskey} disabled={spent}>
          Use a passkey
        </Button>
      )}
      {hasCode && (
        <form onSubmit={onCode} aria-labelledby="second-step-title">
          <Field label="Code from your authenticator app, or a recovery code" name="code" autoComplete="one-time-code" inputMode="text" required autoFocus={!hasPasskey} autoCapitalize="none" spellCheck={false} />
          <Button type="submit" variant="primary" busy={busy === 'code'} busyLabel="Checking…" disabled={spent}>
            Confirm
          </Button>
        </form>
      )}
      <Button variant="link" onClick={onRestart}>
        Cancel
      </Button>
    </div>
  );
}
