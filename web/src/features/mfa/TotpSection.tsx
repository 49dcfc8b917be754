import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { QrCode } from '../../components/QrCode';
import type { Problem } from '../../lib/errors';
import { ConfirmTotpDocument, DisableTotpDocument, RegenerateCodesDocument, SecurityDocument, StartTotpDocument } from './mfa.documents';
import { RecoveryCodes } from './RecoveryCodes';
import { useStepUp } from '../../lib/use-step-up';

/** The authenticator app (TOTP): set up with a QR code or the secret as text, confirm with a first code; turn off; new recovery codes. */
export function TotpSection({ enabled, recoveryCodesLeft }: { enabled: boolean; recoveryCodesLeft: number }) {
  const refetch = { refetchQueries: [SecurityDocument] };
  const [start] = useMutation(StartTotpDocument);
  const [confirm] = useMutation(ConfirmTotpDocument, refetch);
  const [disable] = useMutation(DisableTotpDocument, refetch);
  const [regenerate] = useMutation(RegenerateCodesDocument, refetch);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const { run, prompt } = useStepUp('changing your second factors', setProblem);

  const act = (action: () => Promise<void>) => async () => {
    setBusy(true);
    await run(action);
    setBusy(false);
  };
  const codeOf = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const code = String(new FormData(form).get('code')).trim();
    return { code, reset: () => form.reset() };
  };

  const onStart = act(async () => {
    const { data } = await start();
    if (data) setEnrolment(data.startTotpEnrollment);
  });
  const onConfirm = (event: FormEvent<HTMLFormElement>) => {
    const { code } = codeOf(event);
    void act(async () => {
      const { data } = await confirm({ variables: { code } });
      if (data) {
        setCodes(data.confirmTotpEnrollment);
        setEnrolment(null);
      }
    })();
  };
  const onDisable = (event: FormEvent<HTMLFormElement>) => {
    const { code, reset } = codeOf(event);
    void act(async () => {
      await disable({ variables: { code } });
      reset();
      setCodes(null);
    })();
  };
  const onRegenerate = (event: FormEvent<HTMLFormElement>) => {
    const { code, reset } = codeOf(event);
    void act(async () => {
      const { data } = await regenerate({ variables: { code } });
      if (data) setCodes(data.regenerateRecoveryCodes);
      reset();
    })();
  };

  return (
    <section aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      {problem && <Alert>{problem.message}</Alert>}
      {prompt}
      {codes && <RecoveryCodes codes={codes} />}
      {enabled ? (
        <>
          <p>An authenticator app is on: signing in asks for a code from it after your password.</p>
          <p>
            {recoveryCodesLeft} recovery {recoveryCodesLeft === 1 ? 'code' : 'codes'} left.
          </p>
          <form onSubmit={onRegenerate} aria-label="New recovery codes">
            <Field label="Code to make new recovery codes" name="code" autoComplete="one-time-code" required autoCapitalize="none" spellCheck={false} />
            <Button type="submit" busy={busy} busyLabel="Working…">
              Make new recovery codes
            </Button>
          </form>
          <form onSubmit={onDisable} aria-label="Turn off the authenticator app">
            <Field label="Code to turn the authenticator app off" name="code" autoComplete="one-time-code" required autoCapitalize="none" spellCheck={false} />
            <Button type="submit" variant="danger" busy={busy} busyLabel="Working…">
              Turn off
            </Button>
          </form>
        </>
      ) : enrolment ? (
        <div className="totp-enrolment">
          <p>Scan this code with your authenticator app, or type the key into it. Then enter the 6-digit code it shows.</p>
          <QrCode value={enrolment.otpauthUri} label="QR code to add tokengate to your authenticator app" />
          <p>
            Key: <code className="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
          <form onSubmit={onConfirm} aria-label="Confirm the authenticator app">
            <Field label="6-digit code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" pattern="[0-9 ]{6,7}" required autoFocus />
            <Button type="submit" variant="primary" busy={busy} busyLabel="Checking…">
              Turn on
            </Button>
            <Button variant="link" onClick={() => setEnrolment(null)}>
              Cancel
            </Button>
          </form>
        </div>
      ) : (
        <>
          <p>Use an app such as a password manager or an authenticator to make a new sign-in code every 30 seconds.</p>
          <Button variant="primary" onClick={() => void onStart()} busy={busy} busyLabel="Working…">
            Set up an authenticator app
          </Button>
        </>
      )}
    </section>
  );
}
