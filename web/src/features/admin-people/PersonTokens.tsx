import { useMutation, useQuery } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { ConfirmButton } from '../../components/ConfirmButton';
import { describeError } from '../../lib/errors';
import { formatDateTime, formatOptional } from '../../lib/format';
import { AdminUserApiTokensDocument, RevokeUserApiTokenDocument } from './people.documents';
import { useAdminAction } from './use-admin-action';

/** The account's live API tokens (api-tokens:manage lists and revokes them; never their secrets, which are not stored). */
export function PersonTokens({ userId, canManage }: { userId: string; canManage: boolean }) {
  const { data, error } = useQuery(AdminUserApiTokensDocument, { variables: { userId }, skip: !canManage, fetchPolicy: 'cache-and-network' });
  const [revoke] = useMutation(RevokeUserApiTokenDocument, { refetchQueries: [AdminUserApiTokensDocument] });
  const { busy, outcome, run, prompt } = useAdminAction();
  const tokens = data?.apiTokens ?? [];
  return (
    <>
      <h2>API tokens</h2>
      {!canManage && <p className="muted">Listing and revoking another account's API tokens needs the api-tokens:manage permission.</p>}
      {error && <Alert>{describeError(error).message}</Alert>}
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      {prompt}
      {canManage && data && tokens.length === 0 && <p>No API tokens.</p>}
      {tokens.length > 0 && (
        <table className="data">
          <caption className="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Scopes</th>
              <th scope="col">Expires</th>
              <th scope="col">Last use</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                <td>
                  <code>{t.prefix}</code>
                </td>
                <td>{t.scopes.join(', ') || 'none'}</td>
                <td>{formatDateTime(t.expiresAt)}</td>
                <td>{formatOptional(t.lastUsedAt)}</td>
                <td>
                  <ConfirmButton
                    variant="link"
                    label={`Revoke the API token ${t.name}`}
                    title={`Revoke the API token “${t.name}”?`}
                    description="It is refused from the next request on; this cannot be undone."
                    confirmLabel="Yes, revoke"
                    busy={busy === t.id}
                    onConfirm={() => run(t.id, () => revoke({ variables: { id: t.id } }), `The token “${t.name}” is revoked.`)}
                  >
                    Revoke
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
