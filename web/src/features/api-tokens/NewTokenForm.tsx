import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import type { Problem } from '../../lib/errors';
import { useStepUp } from '../../lib/use-step-up';
import { CreateApiTokenDocument, MyApiTokensDocument } from './api-tokens.documents';
import { SecretOnce } from './SecretOnce';

const EXPIRIES = [7, 30, 90, 365];

/** Name, expiry and scopes (only permissions the viewer holds and a token may carry); the secret is shown once. */
export function NewTokenForm({ scopes }: { scopes: Array<{ name: string; description: string }> }) {
  const [create, { loading }] = useMutation(CreateApiTokenDocument, { refetchQueries: [MyApiTokensDocument] });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const stepUp = useStepUp('creating an API token', setProblem);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const variables = { name: String(form.get('name')).trim(), scopes: form.getAll('scopes').map(String), expiresInDays: Number(form.get('expiresInDays')) };
    setCreated(null);
    void stepUp.run(async () => {
      const { data } = await create({ variables });
      if (data) {
        setCreated({ name: data.createApiToken.apiToken.name, token: data.createApiToken.token });
        formEl.reset();
      }
    });
  };
  return (
    <>
      <h2 id="new-token-title">Create a token</h2>
      {problem && <Alert>{problem.message}</Alert>}
      {created && <SecretOnce name={created.name} token={created.token} onDone={() => setCreated(null)} />}
      {stepUp.prompt}
      <form onSubmit={onSubmit} aria-labelledby="new-token-title">
        <Field label="Name" name="name" required maxLength={100} hint="What the token is for, e.g. “nightly export”." />
        <div className="field">
          <label htmlFor="token-expiry">Expires after</label>
          <select id="token-expiry" name="expiresInDays" defaultValue="30">
            {EXPIRIES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>Scopes</legend>
          {scopes.length === 0 && <p className="hint">Your account holds no permissions a token can carry: the token acts as a signed-in account (its own cart, wishlists, profile).</p>}
          {scopes.map((p) => (
            <div className="check" key={p.name}>
              <input type="checkbox" id={`scope-${p.name}`} name="scopes" value={p.name} aria-describedby={`scope-${p.name}-what`} />
              <label htmlFor={`scope-${p.name}`}>
                <code>{p.name}</code>
              </label>
              <p className="hint" id={`scope-${p.name}-what`}>
                {p.description}
              </p>
            </div>
          ))}
        </fieldset>
        <Button type="submit" variant="primary" busy={loading} busyLabel="Creating…">
          Create the token
        </Button>
      </form>
    </>
  );
}
