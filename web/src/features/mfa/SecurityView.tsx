import { useQuery } from '@apollo/client/react';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { describeError } from '../../lib/errors';
import { SecurityDocument } from './mfa.documents';
import { PasskeysSection } from './PasskeysSection';
import { TotpSection } from './TotpSection';

/** Second factors: the authenticator app with its recovery codes, and passkeys. */
export function SecurityView() {
  const { data, loading, error } = useQuery(SecurityDocument, { fetchPolicy: 'cache-and-network' });
  return (
    <section aria-labelledby="security-title">
      <PageTitle id="security-title">Security</PageTitle>
      {error && <Alert>{describeError(error).message}</Alert>}
      {loading && !data && <Loading label="Loading your second factors…" />}
      {data && (
        <>
          <p role="status">{data.me.mfaEnabled ? `Two-step sign-in is on (${data.me.mfaMethods.map((m) => ({ totp: 'authenticator app', passkey: 'passkey', recovery_code: 'recovery codes' })[m] ?? m).join(', ')}).` : 'Two-step sign-in is off: your password alone signs you in.'}</p>
          <TotpSection enabled={data.me.mfaMethods.includes('totp')} recoveryCodesLeft={data.me.recoveryCodesLeft} />
          <PasskeysSection passkeys={data.myPasskeys} />
        </>
      )}
    </section>
  );
}
