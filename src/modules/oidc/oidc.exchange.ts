import type { Logger } from '../../lib/logger';
import { OidcFlowError } from '../../errors';
import type { ProviderProfile } from './identity.service';
import type { OidcProviderConfig } from './oidc.config';
import type { OidcFlow } from './oidc-flow.entity';
import { describe, openid, type ClientConfiguration } from './oidc.providers';

/**
 * The callback's code exchange: openid-client checks the authorization response (state, RFC 9207 iss), sends the
 * PKCE verifier, and validates the ID token (signature with the JWKS, iss, aud, azp, exp, iat, sub, nonce).
 * Its refusals become stable failure codes, with the library's reason kept as the detail.
 */
export async function exchangeCode(provider: OidcProviderConfig, client: ClientConfiguration, flow: OidcFlow, query: string, state: string, logger: Logger): Promise<ProviderProfile> {
  const currentUrl = new URL(provider.redirectUri);
  currentUrl.search = query;
  let tokens: Awaited<ReturnType<typeof openid.authorizationCodeGrant>>;
  try {
    tokens = await openid.authorizationCodeGrant(client, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    throw exchangeFailure(err);
  }
  const claims = tokens.claims();
  if (!claims) throw new OidcFlowError('ID_TOKEN_INVALID', 'no ID token');
  // OpenID Connect Core caps sub at 255 ASCII characters, the width of user_identities.subject.
  if (claims.sub.length > 255) throw new OidcFlowError('ID_TOKEN_INVALID', 'sub longer than 255 characters');
  let names: Record<string, unknown> = claims;
  // Some providers put names only in UserInfo (oidc-provider's default, for one); the identity is still the ID token's sub.
  if (typeof claims.preferred_username !== 'string' && typeof claims.email !== 'string' && client.serverMetadata().userinfo_endpoint) {
    try {
      names = { ...(await openid.fetchUserInfo(client, tokens.access_token, claims.sub)), ...claims };
    } catch (err) {
      logger.warn('oidc userinfo failed; using the ID token alone', { provider: provider.id, error: describe(err) });
    }
  }
  const email = typeof names.email === 'string' && names.email.length <= 320 ? names.email : null;
  // Some providers send email_verified as the string "true".
  const emailVerified = email !== null && (names.email_verified === true || names.email_verified === 'true');
  return { sub: claims.sub, email, emailVerified, preferred_username: names.preferred_username };
}

const TRANSPORT = ['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_HTTP_REQUEST_FORBIDDEN'];

/** openid-client's error for a refused exchange, as one of our codes. */
export function exchangeFailure(err: unknown): OidcFlowError {
  if (err instanceof openid.AuthorizationResponseError) {
    return new OidcFlowError(err.error === 'access_denied' ? 'ACCESS_DENIED' : 'PROVIDER_ERROR', String(err.error).slice(0, 64));
  }
  if (err instanceof openid.ResponseBodyError) return new OidcFlowError('TOKEN_EXCHANGE_FAILED', `${err.error}: ${err.error_description ?? ''}`);
  const code = (err as { code?: unknown })?.code;
  const inner = (err as { cause?: unknown })?.cause;
  // openid-client wraps oauth4webapi's error, which names the claim (or says which one is missing).
  const claim = ((inner as { cause?: { claim?: unknown } })?.cause?.claim ?? (inner instanceof Error ? /JWT "(\w+)"/.exec(inner.message)?.[1] : undefined)) as string | undefined;
  const detail = describe(err);
  if (claim === 'nonce' && (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' || code === 'OAUTH_INVALID_RESPONSE')) return new OidcFlowError('NONCE_MISMATCH', detail);
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' && claim === 'exp') return new OidcFlowError('ID_TOKEN_EXPIRED', detail);
  // Not openid-client's verdict on the response (fetch failed, timeout, not JSON): the exchange itself failed.
  if (!(err instanceof openid.ClientError) || (typeof code === 'string' && TRANSPORT.includes(code))) return new OidcFlowError('TOKEN_EXCHANGE_FAILED', detail);
  return new OidcFlowError('ID_TOKEN_INVALID', detail);
}
