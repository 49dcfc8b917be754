import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import type { Problem } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { createPasskey, passkeyProblem, passkeysSupported } from '../../lib/webauthn';
import { DeletePasskeyDocument, FinishPasskeyRegistrationDocument, RenamePasskeyDocument, SecurityDocument, StartPasskeyRegistrationDocument } from './mfa.documents';
import { useStepUp } from '../../lib/use-step-up';

interface PasskeyRow {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | null;
  backedUp: boolean;
}

/** The account's passkeys: add one (the browser's own prompt), rename, delete. */
export function PasskeysSection({ passkeys }: { passkeys: PasskeyRow[] }) {
  const refetch = { refetchQueries: [SecurityDocument] };
  const [start] = useMutation(StartPasskeyRegistrationDocument);
  const [finish] = useMutation(FinishPasskeyRegistrationDocument, refetch);
  const [rename] = useMutation(RenamePasskeyDocument, refetch);
  const [remove] = useMutation(DeletePasskeyDocument, refetch);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const { run, prompt } = useStepUp('changing your passkeys', setProblem);

  const onAdd = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name')).trim() || null;
    setNotice(null);
    void run(async () => {
      const options = (await start()).data?.startPasskeyRegistration;
      if (!options) return;
      let response: string;
      try {
        response = await createPasskey(options);
      } catch (err) {
        const words = passkeyProblem(err);
        if (!words) throw err;
        setProblem({ message: words });
        return;
      }
      const { data } = await finish({ variables: { response, name } });
      if (data) setNotice(`Passkey “${data.finishPasskeyRegistration.name}” added.`);
      form.reset();
    });
  };
  const onRename = (id: string) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name'));
    void run(async () => {
      await rename({ variables: { id, name } });
      setEditing(null);
    });
  };
  const onDelete = (row: PasskeyRow) =>
    void run(async () => {
      await remove({ variables: { id: row.id } });
      setNotice(`Passkey “${row.name}” deleted.`);
    });

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p>A passkey signs you in with your device’s screen lock or a security key, without a password, and counts as a second factor.</p>
      {problem && <Alert>{problem.message}</Alert>}
      {notice && <Alert kind="notice">{notice}</Alert>}
      {prompt}
      {passkeys.length > 0 ? (
        <ul className="passkeys">
          {passkeys.map((p) => (
            <li key={p.id}>
              {editing === p.id ? (
                <form onSubmit={onRename(p.id)} aria-label={`Rename ${p.name}`}>
                  <Field label="New name" name="name" defaultValue={p.name} required maxLength={64} autoFocus />
                  <Button type="submit" variant="primary">
                    Save
                  </Button>
                  <Button variant="link" onClick={() => setEditing(null)}>
                    Cancel
                  </Button>
                </form>
              ) : (
                <>
                  <strong>{p.name}</strong> · added {formatDateTime(p.createdAt)} · {p.lastUsedAt ? `last used ${formatDateTime(p.lastUsedAt)}` : 'never used'}
                  {p.backedUp ? ' · synced' : ''}{' '}
                  <Button onClick={() => setEditing(p.id)} aria-label={`Rename ${p.name}`}>
                    Rename
                  </Button>{' '}
                  <Button variant="danger" onClick={() => onDelete(p)} aria-label={`Delete ${p.name}`}>
                    Delete
                  </Button>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>No passkeys yet.</p>
      )}
      {passkeysSupported() ? (
        <form onSubmit={onAdd} aria-label="Add a passkey">
          <Field label="Name for the new passkey (optional)" name="name" maxLength={64} placeholder="For example: Work laptop" />
          <Button type="submit" variant="primary">
            Add a passkey
          </Button>
        </form>
      ) : (
        <p>This browser cannot use passkeys.</p>
      )}
    </section>
  );
}
