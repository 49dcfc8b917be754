import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ConfirmButton } from '../../components/ConfirmButton';
import { FocusHeading } from '../../components/FocusHeading';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { useViewerAccess } from '../../lib/access';
import { describeError } from '../../lib/errors';
import { useStepUp } from '../../lib/use-step-up';
import { AdminRolesDocument, CreateRoleDocument, DeleteRoleDocument, UpdateRoleDocument } from './roles.documents';
import { RoleForm } from './RoleForm';

/** roles:manage: the permission catalogue in words, every role with its holders, and the custom roles' editor. */
export function RolesView() {
  const { permissions: held } = useViewerAccess();
  const { data, loading, error } = useQuery(AdminRolesDocument, { fetchPolicy: 'cache-and-network' });
  const refetch = { refetchQueries: [AdminRolesDocument] };
  const [create, { loading: creating }] = useMutation(CreateRoleDocument, refetch);
  const [update, { loading: updating }] = useMutation(UpdateRoleDocument, refetch);
  const [remove] = useMutation(DeleteRoleDocument, refetch);
  const [editing, setEditing] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);
  const [formKey, setFormKey] = useState(0);

  // MFA_REQUIRED_FOR=roles:manage (or a stale sign-in) answers with a step-up: the prompt, then the change again.
  const stepUp = useStepUp('changing roles', (p) => setOutcome(p ? { kind: 'error', text: p.message } : null));
  const run = (action: () => Promise<unknown>, done: string, after?: () => void) =>
    stepUp.run(async () => {
      setOutcome(null);
      await action();
      setOutcome({ kind: 'notice', text: done });
      after?.();
    });

  if (loading && !data) return <Loading />;
  if (error && !data) return <Alert>{describeError(error).message}</Alert>;
  const { permissionCatalogue: catalogue, roles } = data!;
  return (
    <section aria-labelledby="roles-title">
      <PageTitle id="roles-title">Roles and permissions</PageTitle>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      {stepUp.prompt}
      <h2>What each permission allows</h2>
      <dl className="catalogue" data-testid="catalogue">
        {catalogue.map((p) => (
          <div key={p.name}>
            <dt>
              <code>{p.name}</code>
            </dt>
            <dd>
              {p.description}
              {p.sessionOnly && ' (never carried by an API token)'}
            </dd>
          </div>
        ))}
      </dl>
      <h2>Roles</h2>
      <table className="data" data-testid="roles">
        <caption className="visually-hidden">Every role, built-in first</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Permissions</th>
            <th scope="col">Held by</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {roles.map((r) => (
            <tr key={r.name}>
              <th scope="row">
                {r.name}
                {r.builtIn && <span className="tag"> (built in)</span>}
                {r.description && <span className="muted block">{r.description}</span>}
              </th>
              <td>{r.permissions.length ? r.permissions.join(', ') : 'none'}</td>
              <td>{r.holderCount === 1 ? '1 person' : `${r.holderCount} people`}</td>
              <td>
                {!r.builtIn && (
                  <div className="actions">
                    <Button variant="link" onClick={() => setEditing(r.name)} aria-label={`Edit the role ${r.name}`}>
                      Edit
                    </Button>
                    {r.holderCount === 0 ? (
                      <ConfirmButton
                        variant="link"
                        label={`Delete the role ${r.name}`}
                        title={`Delete the role ${r.name}?`}
                        description="Nobody holds it; it is gone for good."
                        confirmLabel="Yes, delete"
                        onConfirm={() => run(() => remove({ variables: { name: r.name } }), `The role ${r.name} is deleted.`)}
                      >
                        Delete
                      </ConfirmButton>
                    ) : (
                      <span className="muted">Revoke it from its holders to delete it.</span>
                    )}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing &&
        (() => {
          const role = roles.find((r) => r.name === editing);
          if (!role) return null;
          return (
            <>
              <FocusHeading key={role.name}>Edit {role.name}</FocusHeading>
              <RoleForm
                key={role.name}
                catalogue={catalogue}
                held={held}
                initial={role}
                busy={updating}
                onCancel={() => setEditing(null)}
                onSubmit={(input) => void run(() => update({ variables: input }), `The role ${input.name} is saved.`, () => setEditing(null))}
              />
            </>
          );
        })()}
      <h2>Create a role</h2>
      <RoleForm
        key={formKey}
        catalogue={catalogue}
        held={held}
        busy={creating}
        onSubmit={(input) => void run(() => create({ variables: input }), `The role ${input.name} is created.`, () => setFormKey((k) => k + 1))}
      />
    </section>
  );
}
