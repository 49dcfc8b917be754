import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ConfirmButton } from '../../components/ConfirmButton';
import { useViewerAccess } from '../../lib/access';
import { AdminRoleNamesDocument, GrantRoleDocument, RevokeRoleDocument } from './people.documents';
import { useAdminAction } from './use-admin-action';

/** The account's roles; with roles:manage, grant one (only roles whose permissions the viewer holds) or revoke one. */
export function PersonRoles({ user, canManage }: { user: { id: string; username: string; roles: string[] }; canManage: boolean }) {
  const { permissions } = useViewerAccess();
  const { data } = useQuery(AdminRoleNamesDocument, { skip: !canManage });
  const [grant] = useMutation(GrantRoleDocument);
  const [revoke] = useMutation(RevokeRoleDocument);
  const { busy, outcome, run, prompt } = useAdminAction();
  const [pick, setPick] = useState<string | null>(null);
  const grantable = (data?.roles ?? []).filter((r) => r.name !== 'USER' && !user.roles.includes(r.name) && r.permissions.every((p) => permissions.includes(p)));

  const onGrant = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPick(String(new FormData(event.currentTarget).get('role')));
  };
  return (
    <>
      <h2>Roles</h2>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      {prompt}
      <ul className="plain roles" data-testid="person-roles">
        {user.roles.map((role) => (
          <li key={role}>
            {role}
            {canManage && role !== 'USER' && (
              <>
                {' '}
                <ConfirmButton
                  variant="link"
                  label={`Revoke the role ${role}`}
                  title={`Revoke ${role} from ${user.username}?`}
                  description="The account loses the role's permissions from its next request; its live connections close."
                  confirmLabel="Yes, revoke"
                  busy={busy === role}
                  onConfirm={() => run(role, () => revoke({ variables: { userId: user.id, role } }), `${role} revoked from ${user.username}.`)}
                >
                  Revoke
                </ConfirmButton>
              </>
            )}
          </li>
        ))}
      </ul>
      {canManage && grantable.length > 0 && (
        <form className="inline-form" aria-label="Grant a role" onSubmit={onGrant}>
          <div className="field">
            <label htmlFor="grant-role">Role to grant</label>
            <select id="grant-role" name="role">
              {grantable.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit">Grant…</Button>
        </form>
      )}
      {pick && (
        <GrantConfirm
          role={pick}
          username={user.username}
          onCancel={() => setPick(null)}
          onConfirm={() => {
            const role = pick;
            setPick(null);
            void run(role, () => grant({ variables: { userId: user.id, role } }), `${role} granted to ${user.username}.`);
          }}
        />
      )}
    </>
  );
}

/** The grant's confirm step: a dialog opened from the form (the role is chosen first); closing it returns the focus there. */
function GrantConfirm({ role, username, onCancel, onConfirm }: { role: string; username: string; onCancel: () => void; onConfirm: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby="grant-title" aria-describedby="grant-text" onClose={onCancel}>
      <h2 id="grant-title">
        Grant {role} to {username}?
      </h2>
      <p id="grant-text">The account gets the role's permissions from its next request.</p>
      <div className="actions">
        <Button autoFocus onClick={() => dialog.current?.close()}>
          Cancel
        </Button>
        <Button
          variant="primary"
          onClick={() => {
            onConfirm();
            dialog.current?.close();
          }}
        >
          Yes, grant
        </Button>
      </div>
    </dialog>
  );
}
