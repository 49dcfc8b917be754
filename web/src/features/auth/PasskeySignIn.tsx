import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { FinishPasskeyLoginDocument, StartPasskeyLoginDocument } from '../../components/SecondStep';
import { describeError } from '../../lib/errors';
import { useSessionServices } from '../../lib/session-react';
import { getPasskeyAssertion, passkeyProblem, passkeysSupported } from '../../lib/webauthn';

/** "Sign in with a passkey": no username, no password; the browser offers this site's passkeys. */
export function PasskeySignIn() {
  const { session } = useSessionServices();
  const [start] = useMutation(StartPasskeyLoginDocument);
  const [finish] = useMutation(FinishPasskeyLoginDocument);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!passkeysSupported()) return null;
  const onClick = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const options = (await start({ variables: {} })).data?.startPasskeyLogin;
      const payload = options ? (await finish({ variables: { response: await getPasskeyAssertion(options) } })).data?.finishPasskeyLogin : undefined;
      if (payload) session.signIn(payload);
    } catch (err) {
      setProblem(passkeyProblem(err) ?? describeError(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="passkey-sign-in">
      {problem && <Alert>{problem}</Alert>}
      <Button onClick={() => void onClick()} busy={busy} busyLabel="Waiting for the passkey…">
        Sign in with a passkey
      </Button>
    </div>
  );
}
