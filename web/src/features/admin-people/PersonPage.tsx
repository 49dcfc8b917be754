import { useMutation, useQuery } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { useViewerAccess } from '../../lib/access';
import { describeError } from '../../lib/errors';
import { formatDateTime, formatOptional } from '../../lib/format';
import { Link } from '../../lib/router';
import { AdminUserDocument, AdminUserSessionsDocument, ResetMfaDocument, SendPasswordResetDocument, SetUserActiveDocument } from './people.documents';
import { PersonAudit } from './PersonAudit';
import { PersonRoles } from './PersonRoles';
import { PersonSessions } from './PersonSessions';
import { PersonTokens } from './PersonTokens';
import { useAdminAction } from './use-admin-action';

/**
 * One account, as support needs it: state, roles, e-mail, second factors and sign-in methods, sessions, API tokens
 * and its audit trail. Each action shows only with the permission the server checks for it, and asks first.
 */
export function PersonPage({ id }: { id: string }) {
  const { can } = useViewerAccess();
  const { data, loading, error } = useQuery(AdminUserDocument, { variables: { id }, fetchPolicy: 'cache-and-network' });
  // Deactivation ends the account's sessions: read them again (only if shown).
  const [setActive] = useMutation(SetUserActiveDocument, { refetchQueries: [AdminUserSessionsDocument] });
  const [sendReset] = useMutation(SendPasswordResetDocument);
  const [resetMfa] = useMutation(ResetMfaDocument, { refetchQueries: [AdminUserDocument] });
  const { busy, outcome, run, prompt } = useAdminAction();

  if (loading && !data) return <Loading />;
  if (error && !data) return <Alert>{describeError(error).message}</Alert>;
  const user = data?.user;
  if (!user) {
    return (
      <section>
        <PageTitle>No such account</PageTitle>
        <p>
          There is no account with this id. <Link to="/admin/people">Back to the people list</Link>.
        </p>
      </section>
    );
  }
  const f = user.mfaFactors;
  const hasFactor = f.totp || f.passkeys.length > 0;
  return (
    <section aria-labelledby="person-title" className="person">
      <p>
        <Link to="/admin/people">← People</Link>
      </p>
      <PageTitle id="person-title">{user.username}</PageTitle>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      {prompt}
      <dl className="facts" data-testid="person-facts">
        <dt>State</dt>
        <dd>{user.isActive ? 'Active' : 'Deactivated'}</dd>
        <dt>E-mail</dt>
        <dd>{user.email ? `${user.email} (${user.emailVerified ? 'verified' : 'not verified'})` : 'none'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(user.createdAt)}</dd>
        <dt>Last sign-in</dt>
        <dd>{formatOptional(user.lastSignInAt)}</dd>
        <dt>Permissions</dt>
        <dd>{user.permissions.length ? user.permissions.join(', ') : 'none beyond a signed-in account'}</dd>
        <dt>User id</dt>
        <dd>
          <code>{user.id}</code>
        </dd>
      </dl>

      {can('users:manage') && (
        <div className="actions" role="group" aria-label="Account actions">
          {user.isActive ? (
            <ConfirmButton
              variant="danger"
              title={`Deactivate ${user.username}?`}
              description="Every session of the account ends at once and its API tokens stop working. The account can be reactivated later."
              confirmLabel="Yes, deactivate"
              busy={busy === 'active'}
              onConfirm={() => run('active', () => setActive({ variables: { userId: user.id, active: false } }), `${user.username} is deactivated.`)}
            >
              Deactivate
            </ConfirmButton>
          ) : (
            <ConfirmButton
              title={`Reactivate ${user.username}?`}
              description="The account can sign in again."
              confirmLabel="Yes, reactivate"
              busy={busy === 'active'}
              onConfirm={() => run('active', () => setActive({ variables: { userId: user.id, active: true } }), `${user.username} is active again.`)}
            >
              Reactivate
            </ConfirmButton>
          )}
          {user.email && (
            <ConfirmButton
              title={`Send ${user.username} a password-reset mail?`}
              description={`A link to choose a new password goes to ${user.email}.`}
              confirmLabel="Yes, send it"
              busy={busy === 'reset'}
              onConfirm={() => run('reset', () => sendReset({ variables: { userId: user.id } }), `A password-reset mail is on its way to ${user.email}.`)}
            >
              Send a password-reset mail
            </ConfirmButton>
          )}
          {hasFactor && (
            <ConfirmButton
              variant="danger"
              title={`Reset ${user.username}'s second factors?`}
              description="The authenticator app, every passkey and the recovery codes are taken off the account; it signs in with the password alone until a new factor is set up."
              confirmLabel="Yes, reset them"
              busy={busy === 'mfa'}
              onConfirm={() => run('mfa', () => resetMfa({ variables: { userId: user.id } }), `${user.username}'s second factors are reset.`)}
            >
              Reset second factors
            </ConfirmButton>
          )}
        </div>
      )}

      <PersonRoles user={user} canManage={can('roles:manage')} />

      <h2>Second factors</h2>
      <ul className="plain" data-testid="person-factors">
        <li>Authenticator app (TOTP): {f.totp ? 'on' : 'off'}</li>
        <li>Recovery codes left: {f.recoveryCodesLeft}</li>
        <li>
          Passkeys: {f.passkeys.length === 0 && 'none'}
          {f.passkeys.length > 0 && (
            <ul>
              {f.passkeys.map((p) => (
                <li key={p.id}>
                  {p.name}, added {formatDateTime(p.createdAt)}, last used {formatOptional(p.lastUsedAt)}
                  {p.backedUp ? ', backed up' : ''}
                </li>
              ))}
            </ul>
          )}
        </li>
      </ul>

      <h2>Sign-in methods</h2>
      <ul className="plain" data-testid="person-methods">
        <li>Password: {user.signInMethods.password ? 'yes' : 'no'}</li>
        {user.signInMethods.identities.map((i) => (
          <li key={i.id}>
            {i.providerName ?? i.provider}
            {i.email ? ` (${i.email})` : ''}: linked {formatDateTime(i.createdAt)}, last used {formatDateTime(i.lastUsedAt)}
          </li>
        ))}
      </ul>

      <PersonSessions userId={user.id} username={user.username} canManage={can('sessions:manage')} />
      <PersonTokens userId={user.id} canManage={can('api-tokens:manage')} />
      {can('audit:read') && <PersonAudit userId={user.id} />}
    </section>
  );
}
