import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { useViewerAccess } from '../../lib/access';
import { describeError } from '../../lib/errors';
import { formatDateTime, formatOptional } from '../../lib/format';
import { MyApiTokensDocument, RevokeMyApiTokenDocument } from './api-tokens.documents';
import { NewTokenForm } from './NewTokenForm';

/** Every signed-in person's own API tokens: list (last use, expiry), create, revoke. */
export function ApiTokensView() {
  const { permissions } = useViewerAccess();
  const { data, loading, error } = useQuery(MyApiTokensDocument, { fetchPolicy: 'cache-and-network' });
  const [revoke] = useMutation(RevokeMyApiTokenDocument, { refetchQueries: [MyApiTokensDocument] });
  const [outcome, setOutcome] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);

  if (loading && !data) return <Loading />;
  if (error && !data) return <Alert>{describeError(error).message}</Alert>;
  const tokens = data!.myApiTokens;
  const scopes = data!.permissionCatalogue.filter((p) => !p.sessionOnly && permissions.includes(p.name));
  const now = Date.now();
  return (
    <section aria-labelledby="tokens-title">
      <PageTitle id="tokens-title">API tokens</PageTitle>
      <p>For scripts and services: a token acts as you, limited to its scopes and to what your account may do at the time.</p>
      {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
      <h2>Your tokens</h2>
      {tokens.length === 0 ? (
        <p>You have no API tokens.</p>
      ) : (
        <table className="data" data-testid="my-tokens">
          <caption className="visually-hidden">Your API tokens, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
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
                <td>{formatDateTime(t.createdAt)}</td>
                <td>
                  {formatDateTime(t.expiresAt)}
                  {new Date(t.expiresAt).getTime() <= now && ' (expired)'}
                </td>
                <td>{formatOptional(t.lastUsedAt)}</td>
                <td>
                  <ConfirmButton
                    variant="link"
                    label={`Revoke the token ${t.name}`}
                    title={`Revoke “${t.name}”?`}
                    description="Scripts using it are refused from their next request; this cannot be undone."
                    confirmLabel="Yes, revoke"
                    onConfirm={async () => {
                      setOutcome(null);
                      try {
                        await revoke({ variables: { id: t.id } });
                        setOutcome({ kind: 'notice', text: `“${t.name}” is revoked.` });
                      } catch (err) {
                        setOutcome({ kind: 'error', text: describeError(err).message });
                      }
                    }}
                  >
                    Revoke
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewTokenForm scopes={scopes} />
    </section>
  );
}
