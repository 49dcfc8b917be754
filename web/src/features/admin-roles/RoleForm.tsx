import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';

interface CatalogueEntry {
  name: string;
  description: string;
}

/**
 * A custom role's name, description and permissions as checkboxes. A permission the viewer does not hold is
 * disabled and says why: the server refuses a role with it (you must hold each permission you hand out).
 */
export function RoleForm({
  catalogue,
  held,
  initial,
  busy,
  onSubmit,
  onCancel,
}: {
  catalogue: CatalogueEntry[];
  held: string[];
  initial?: { name: string; description: string | null; permissions: string[] };
  busy: boolean;
  onSubmit: (role: { name: string; description: string | null; permissions: string[] }) => void;
  onCancel?: () => void;
}) {
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = initial?.name ?? String(form.get('name')).trim().toUpperCase();
    if (!/^[A-Z0-9_]{2,40}$/.test(name)) {
      setError('2 to 40 of A–Z, 0–9 and _.');
      return;
    }
    setError(undefined);
    const description = String(form.get('description') ?? '').trim();
    onSubmit({ name, description: description || null, permissions: form.getAll('permissions').map(String) });
  };
  const formId = initial ? `edit-${initial.name}` : 'new-role';
  return (
    <form onSubmit={submit} aria-label={initial ? `Edit the role ${initial.name}` : 'Create a role'} className="role-form">
      {!initial && <Field label="Name" name="name" required maxLength={40} hint="2 to 40 of A–Z, 0–9 and _, e.g. SUPPORT." error={error} autoCapitalize="characters" />}
      <Field label="Description" name="description" maxLength={200} defaultValue={initial?.description ?? ''} />
      <fieldset>
        <legend>Permissions</legend>
        {catalogue.map((p) => {
          const mine = held.includes(p.name);
          const id = `${formId}-${p.name}`;
          return (
            <div className="check" key={p.name}>
              <input type="checkbox" id={id} name="permissions" value={p.name} defaultChecked={initial?.permissions.includes(p.name)} disabled={!mine} aria-describedby={`${id}-what`} />
              <label htmlFor={id}>
                <code>{p.name}</code>
              </label>
              <p className="hint" id={`${id}-what`}>
                {p.description}
                {!mine && ' You do not hold this permission, so you cannot hand it out.'}
              </p>
            </div>
          );
        })}
      </fieldset>
      <div className="actions">
        <Button type="submit" variant="primary" busy={busy} busyLabel="Saving…">
          {initial ? 'Save the role' : 'Create the role'}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
