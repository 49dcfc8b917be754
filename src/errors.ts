import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { isUnavailable } from './db/unavailable';
import { DriverException } from '@mikro-orm/core';

/** Why a request is not authenticated; sent as `extensions.reason`. */
export type AuthFailure =
  | 'TOKEN_MISSING'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'ACCOUNT_DISABLED'
  | 'REFRESH_REUSED'
  | 'API_TOKEN_REVOKED'
  | 'API_TOKEN_EXPIRED'
  | DpopFailure;

/** Why a DPoP proof (RFC 9449) or a token's binding to it was refused; `DPOP_NONCE_REQUIRED` is the use_dpop_nonce answer. */
export type DpopFailure = 'DPOP_PROOF_INVALID' | 'DPOP_PROOF_REPLAYED' | 'DPOP_KEY_MISMATCH' | 'DPOP_REQUIRED' | 'DPOP_NONCE_REQUIRED';

/** The asymmetric algorithms a DPoP proof may be signed with; never `none` or HMAC. */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'] as const;

/**
 * Base of every error a client may see: a stable code, and an HTTP status for request-level failures.
 * Domain errors (bad input, taken name, bad credentials) keep 200 so GraphQL clients read them as GraphQL errors.
 */
export class AppError extends GraphQLError {
  constructor(message: string, code: string, status?: number, extra: Record<string, unknown> = {}, headers?: Record<string, string>) {
    const http = status ? { http: { status, ...(headers ? { headers: new Map(Object.entries(headers)) } : {}) } } : {};
    super(message, { extensions: { code, ...extra, ...http } });
  }
}

export class BadUserInputError extends AppError {
  constructor(field: string, message: string, reason?: string) {
    super(message, 'BAD_USER_INPUT', undefined, { field, ...(reason ? { reason } : {}) });
  }
}

export class UsernameTakenError extends AppError {
  constructor() {
    super('That username is already taken.', 'USERNAME_TAKEN', undefined, { field: 'username' });
  }
}

export class BadCredentialsError extends AppError {
  constructor() {
    super('Invalid username or password.', 'BAD_CREDENTIALS');
  }
}

const AUTH_MESSAGES: Record<AuthFailure, string> = {
  TOKEN_MISSING: 'Authentication required.',
  TOKEN_INVALID: 'The token is invalid.',
  TOKEN_EXPIRED: 'The token has expired.',
  TOKEN_REVOKED: 'The token has been revoked.',
  ACCOUNT_DISABLED: 'The account is disabled.',
  REFRESH_REUSED: 'The refresh token was already used; the session has been ended.',
  API_TOKEN_REVOKED: 'The API token has been revoked.',
  API_TOKEN_EXPIRED: 'The API token has expired.',
  DPOP_PROOF_INVALID: 'The DPoP proof is invalid.',
  DPOP_PROOF_REPLAYED: 'The DPoP proof was already used.',
  DPOP_KEY_MISMATCH: 'The DPoP proof is signed by another key than the token is bound to.',
  DPOP_REQUIRED: 'This token must be sent with a DPoP proof.',
  DPOP_NONCE_REQUIRED: 'The DPoP proof must carry the nonce the server sent in DPoP-Nonce.',
};

/** Where a refusal's challenge points: a request that used (or must use) DPoP gets a DPoP challenge. */
export interface ChallengeOptions {
  scheme?: 'Bearer' | 'DPoP';
  /** A fresh server nonce, sent as DPoP-Nonce (with DPOP_NONCE=true). */
  nonce?: string;
}

const isDpopFailure = (reason: AuthFailure): reason is DpopFailure => reason.startsWith('DPOP_');

/** RFC 6750 / RFC 9449 §7.1: a missing token gets a bare challenge, a bad token or proof names the error. */
function challenge(reason: AuthFailure, scheme: 'Bearer' | 'DPoP'): string {
  if (scheme === 'Bearer') return reason === 'TOKEN_MISSING' ? 'Bearer realm="tokengate"' : 'Bearer realm="tokengate", error="invalid_token"';
  const error =
    reason === 'TOKEN_MISSING' ? null : reason === 'DPOP_NONCE_REQUIRED' ? 'use_dpop_nonce' : reason === 'DPOP_PROOF_INVALID' || reason === 'DPOP_PROOF_REPLAYED' || reason === 'DPOP_KEY_MISMATCH' ? 'invalid_dpop_proof' : 'invalid_token';
  return `DPoP realm="tokengate"${error ? `, error="${error}"` : ''}, algs="${DPOP_ALGORITHMS.join(' ')}"`;
}

export class UnauthenticatedError extends AppError {
  readonly scheme: 'Bearer' | 'DPoP';

  constructor(readonly reason: AuthFailure, readonly options: ChallengeOptions = {}) {
    const scheme = options.scheme ?? (isDpopFailure(reason) ? 'DPoP' : 'Bearer');
    const headers: Record<string, string> = { 'www-authenticate': challenge(reason, scheme), ...(options.nonce ? { 'dpop-nonce': options.nonce } : {}) };
    super(AUTH_MESSAGES[reason], 'UNAUTHENTICATED', 401, { reason }, headers);
    this.scheme = scheme;
  }

  /** The same refusal, answered with the challenge of the scheme the request used. */
  withScheme(scheme: 'Bearer' | 'DPoP'): UnauthenticatedError {
    return scheme === this.scheme ? this : new UnauthenticatedError(this.reason, { ...this.options, scheme });
  }
}

/**
 * Why a signed-in request is refused. The first four come from the schema's access rules (and name the
 * permission in `missing` when one would have allowed it); the rest from the operation itself.
 */
export type ForbiddenReason =
  | 'INSUFFICIENT_ROLE'
  | 'INSUFFICIENT_SCOPE'
  | 'API_TOKEN_NOT_ALLOWED'
  | 'NO_RULE'
  | 'PERMISSION_NOT_HELD'
  | 'FRESH_LOGIN_REQUIRED'
  | 'CROSS_SITE_REQUEST'
  | 'MFA_ENROLLMENT_REQUIRED'
  | 'API_TOKEN_WITHOUT_SECOND_FACTOR';

const FORBIDDEN_MESSAGES: Record<ForbiddenReason, (missing?: string) => string> = {
  INSUFFICIENT_ROLE: (m) => (m ? `This needs the ${m} permission.` : 'You may not do this.'),
  INSUFFICIENT_SCOPE: (m) => `The API token's scopes do not include ${m}.`,
  API_TOKEN_NOT_ALLOWED: () => 'An API token cannot do this; sign in to do it.',
  NO_RULE: () => 'This field has no access rule yet, so it is refused.',
  PERMISSION_NOT_HELD: (m) => `You do not hold ${m}: you cannot give or take it, nor act on an account that holds it.`,
  FRESH_LOGIN_REQUIRED: () => 'This action needs a recent login.',
  CROSS_SITE_REQUEST: () => 'You may not do this.',
  MFA_ENROLLMENT_REQUIRED: (m) => `Using ${m} needs a second factor; enrol one first.`,
  API_TOKEN_WITHOUT_SECOND_FACTOR: (m) => `Using ${m} needs an API token created from a session opened with a second factor; create a new one.`,
};

export class ForbiddenError extends AppError {
  constructor(readonly reason: ForbiddenReason, readonly missing?: string) {
    super(FORBIDDEN_MESSAGES[reason](missing), 'FORBIDDEN', 403, { reason, ...(missing ? { missing } : {}) });
  }
}

/** The password (or provider) was right and the account has a second factor: the login continues with the mfaToken. */
export class MfaRequiredError extends AppError {
  constructor(mfaToken: string, methods: string[], expiresIn: number) {
    // No HTTP status: this is a step of a login, not a refused bearer token.
    super('A second factor is required to finish signing in.', 'UNAUTHENTICATED', undefined, { reason: 'MFA_REQUIRED', mfaToken, methods, expiresIn });
  }
}

/**
 * RFC 9470: the token does not carry the authentication the operation needs (a second factor, or one recent
 * enough); the header tells the client what to ask the person for.
 */
export class InsufficientUserAuthenticationError extends AppError {
  constructor(acrValues: string, maxAge?: number) {
    const challenge = `Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="${acrValues}"${maxAge !== undefined ? `, max_age=${maxAge}` : ''}`;
    super('This needs a recent sign-in with a second factor.', 'UNAUTHENTICATED', 401, { reason: 'INSUFFICIENT_USER_AUTHENTICATION', acrValues, ...(maxAge !== undefined ? { maxAge } : {}) }, { 'www-authenticate': challenge });
  }
}

/** An mfaToken that is unknown, used, expired, ended by too many wrong codes, or no longer matches the account. */
export class InvalidMfaTokenError extends AppError {
  constructor() {
    super('The sign-in step has expired or was already used; sign in again.', 'INVALID_MFA_TOKEN', undefined, { field: 'mfaToken' });
  }
}

/** A TOTP or recovery code that does not verify (wrong, already used, or outside the allowed drift). */
export class InvalidMfaCodeError extends AppError {
  constructor(attemptsLeft?: number) {
    super('The code is not valid.', 'INVALID_MFA_CODE', undefined, { field: 'code', ...(attemptsLeft !== undefined ? { attemptsLeft } : {}) });
  }
}

/** Why a passkey ceremony was refused; sent as `extensions.reason`. */
export type PasskeyFailure = 'CHALLENGE_INVALID' | 'UNKNOWN_CREDENTIAL' | 'COUNTER_REGRESSION' | 'VERIFICATION_FAILED' | 'ALREADY_REGISTERED';

export class PasskeyRejectedError extends AppError {
  constructor(readonly reason: PasskeyFailure) {
    super('The passkey could not be verified.', 'PASSKEY_REJECTED', undefined, { field: 'response', reason });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, field: string) {
    super(`${what} not found.`, 'NOT_FOUND', undefined, { field });
  }
}

/** A wishlist name the user already uses, in any letter case. */
export class NameTakenError extends AppError {
  constructor() {
    super('You already have a wishlist with that name.', 'NAME_TAKEN', undefined, { field: 'name' });
  }
}

/** A cart holds one currency: a product priced in another one cannot join it. */
export class CurrencyMismatchError extends AppError {
  constructor(cartCurrency: string, productCurrency: string) {
    super(`The cart is in ${cartCurrency}; this product is priced in ${productCurrency}.`, 'CURRENCY_MISMATCH', undefined, {
      field: 'productId',
      cartCurrency,
      productCurrency,
    });
  }
}

/**
 * A change that would leave no active admin, or nobody who can manage roles: nobody could administer the service
 * afterwards. One code wherever the rule bites (deleteAccount, setUserActive, setUserRole, revokeRole, updateRole).
 */
export class LastAdminError extends AppError {
  constructor(message = 'You are the last active admin; promote another admin first.', field?: string) {
    super(message, 'LAST_ADMIN', undefined, field ? { field } : {});
  }
}

/** deleteRole of a role someone still holds: revoke it from them first. */
export class RoleInUseError extends AppError {
  constructor(holders: number) {
    super(`The role is held by ${holders} account${holders === 1 ? '' : 's'}; revoke it from them first.`, 'ROLE_IN_USE', undefined, { field: 'name', holders });
  }
}

/** USER and ADMIN are built in: they cannot be created, changed or deleted (ADMIN always holds every permission). */
export class BuiltInRoleError extends AppError {
  constructor(field = 'name') {
    super('USER and ADMIN are built-in roles and cannot be changed.', 'ROLE_BUILT_IN', undefined, { field });
  }
}

export class RoleExistsError extends AppError {
  constructor() {
    super('A role with that name exists.', 'ROLE_EXISTS', undefined, { field: 'name' });
  }
}

/** createApiToken past the number of live (unrevoked, unexpired) tokens one account may hold. */
export class TooManyApiTokensError extends AppError {
  constructor(limit: number) {
    super(`An account may hold at most ${limit} live API tokens; revoke one first.`, 'TOO_MANY_API_TOKENS', undefined, { limit });
  }
}

/** Too many attempts; the same answer whether or not the account exists or the password is right. */
export class RateLimitedError extends AppError {
  constructor(retryAfter: number) {
    super('Too many attempts; try again later.', 'RATE_LIMITED', 429, { retryAfter }, { 'retry-after': String(retryAfter) });
  }
}

/** Which GraphQL limit a document passed; sent as `extensions.limit`, with the limit's value as `max`. */
export type QueryLimit = 'DOCUMENT_BYTES' | 'TOKENS' | 'DEPTH' | 'ALIASES' | 'DIRECTIVES' | 'COST';

const LIMIT_MESSAGES: Record<QueryLimit, (max: number) => string> = {
  DOCUMENT_BYTES: (max) => `The document is longer than ${max} bytes (comments included).`,
  TOKENS: (max) => `The document has more than ${max} tokens.`,
  DEPTH: (max) => `The query is nested deeper than ${max} levels.`,
  ALIASES: (max) => `The query has more than ${max} aliases.`,
  DIRECTIVES: (max) => `The query has more than ${max} directives.`,
  COST: (max) => `The query could return more than ${max} values; ask for fewer fields, aliases or smaller pages.`,
};

/** A document refused by a GraphQL limit before anything ran (never a syntax error: the document may be valid). */
export class QueryLimitError extends AppError {
  constructor(readonly limit: QueryLimit, max: number, extra: { cost?: number } = {}) {
    super(LIMIT_MESSAGES[limit](max), 'QUERY_LIMIT_EXCEEDED', 400, { limit, max, ...extra });
  }
}

/** GRAPHQL_MAX_RESPONSE_BYTES: the answer was built but is not sent (a mutation in it has run). */
export class ResponseTooLargeError extends AppError {
  constructor(max: number) {
    super(`The answer is larger than ${max} bytes; ask for fewer fields, aliases or smaller pages.`, 'RESPONSE_TOO_LARGE', undefined, { max });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor() {
    super('The service is temporarily unavailable; try again shortly.', 'SERVICE_UNAVAILABLE', 503, {}, { 'retry-after': '5' });
  }
}

/** completeExternalLogin with a code that is unknown, used, expired or whose account was deactivated meanwhile. */
export class InvalidLoginCodeError extends AppError {
  constructor() {
    super('The login code is invalid or has expired; sign in again.', 'INVALID_LOGIN_CODE');
  }
}

/** unlinkIdentity that would leave the account with no password and no other identity to sign in with. */
export class LastSignInMethodError extends AppError {
  constructor() {
    super('This is the only way to sign in to the account; set a password or link another provider first.', 'LAST_SIGN_IN_METHOD', undefined, { field: 'id' });
  }
}

/** setPassword on an account that has one; changePassword is the way to replace it. */
export class PasswordAlreadySetError extends AppError {
  constructor() {
    super('The account already has a password; use changePassword.', 'PASSWORD_ALREADY_SET');
  }
}

/** A configured provider whose discovery document could not be fetched yet (retried in the background). */
export class ProviderUnavailableError extends AppError {
  constructor() {
    super('The sign-in provider is not reachable at the moment; try again shortly.', 'PROVIDER_UNAVAILABLE', undefined, { field: 'provider' });
  }
}

export class EmailTakenError extends AppError {
  constructor(field = 'email') {
    super('Another account uses that e-mail address.', 'EMAIL_TAKEN', undefined, { field });
  }
}

/** REQUIRE_EMAIL_VERIFICATION: answered after the password was checked, never before (no oracle). */
export class EmailNotVerifiedError extends AppError {
  constructor() {
    super('Confirm your e-mail address first: use the link we sent you.', 'EMAIL_NOT_VERIFIED', 403);
  }
}

/** Production without SMTP_URL: no mail can be sent, so the features that send one refuse. */
export class EmailDisabledError extends AppError {
  constructor() {
    super('E-mail is not set up on this server.', 'EMAIL_DISABLED');
  }
}

/** Why an e-mail link's token is refused; sent as the `reason` of a BAD_USER_INPUT on `token`. */
export type EmailTokenFailure = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED' | 'TOKEN_SUPERSEDED';

const EMAIL_TOKEN_MESSAGES: Record<EmailTokenFailure, string> = {
  TOKEN_INVALID: 'This link is not valid; ask for a new one.',
  TOKEN_EXPIRED: 'This link has expired; ask for a new one.',
  TOKEN_USED: 'This link was already used; ask for a new one.',
  TOKEN_SUPERSEDED: 'A newer link (or a password change) replaced this one; use the newest mail or ask again.',
};

export class EmailTokenError extends BadUserInputError {
  constructor(readonly failure: EmailTokenFailure) {
    super('token', EMAIL_TOKEN_MESSAGES[failure], failure);
  }
}

/**
 * Why a browser sign-in with an OpenID Connect provider was refused: the `error` parameter of the redirect
 * that ends the flow, or the `extensions.code` of a JSON 400 when there is no safe place to redirect to.
 */
export type OidcFailure =
  | 'ACCESS_DENIED'
  | 'PROVIDER_ERROR'
  | 'UNKNOWN_PROVIDER'
  | 'PROVIDER_UNAVAILABLE'
  | 'REDIRECT_NOT_ALLOWED'
  | 'INVALID_REQUEST'
  | 'STATE_UNKNOWN'
  | 'STATE_REPLAYED'
  | 'STATE_EXPIRED'
  | 'STATE_MISMATCH'
  | 'NONCE_MISMATCH'
  | 'ID_TOKEN_EXPIRED'
  | 'ID_TOKEN_INVALID'
  | 'TOKEN_EXCHANGE_FAILED'
  | 'ACCOUNT_DISABLED'
  | 'IDENTITY_IN_USE'
  | 'LINK_TICKET_INVALID'
  | 'LINK_BROWSER_MISMATCH'
  | 'SERVICE_UNAVAILABLE'
  | 'SERVER_ERROR';

/** A refused sign-in flow; `detail` is for the log and the audit trail, never for the client. */
export class OidcFlowError extends Error {
  constructor(readonly failure: OidcFailure, readonly detail?: string) {
    super(`OpenID Connect sign-in refused: ${failure}`);
    this.name = 'OidcFlowError';
  }
}

/** Codes Apollo itself raises for malformed requests; they carry no secrets and pass through. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

type Logger = { error: (msg: string, err: unknown) => void; warn: (msg: string, data?: Record<string, unknown>) => void };

/**
 * graphql-js's hints in every form ('Did you mean "me"?', 'Did you mean the enum value "LOGIN_FAILED" or …?',
 * 'Did you mean to use an inline fragment on "X"?'), in validation and variable errors alike: from the hint to the end.
 */
const SUGGESTION = /\s*Did you mean\b[\s\S]*$/;
export const withoutSuggestions = (message: string): string => message.replace(SUGGESTION, '');

/**
 * The one place errors become client-visible: known errors keep their code, everything else is masked. With
 * `hideSuggestions` (production) no message names a field, argument, type or enum value the client did not write.
 */
export function makeFormatError(logger: Logger, opts: { hideSuggestions: boolean } = { hideSuggestions: false }) {
  const format = makeFormatter(logger);
  if (!opts.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    return { ...result, message: withoutSuggestions(result.message) };
  };
}

function makeFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = ownError(unwrapResolverError(error));
    if (original instanceof AppError) {
      const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    const tokens = code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitError(formatted.message) : null;
    if (tokens) return { message: tokens.message, extensions: { code: tokens.extensions.code, limit: 'TOKENS', max: tokens.extensions.max } };
    if (original instanceof GraphQLError && typeof code === 'string' && APOLLO_CODES.has(code)) {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (isUnavailable(original)) {
      logger.warn('database unavailable', { error: redactDriverError(original) });
      return { message: new ServiceUnavailableError().message, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    logger.error('unexpected error', redactDriverError(original));
    return { message: 'Internal server error.', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** graphql-js's parser limit (GRAPHQL_MAX_TOKENS) is a "Syntax Error" worded "more that N tokens" upstream: ours names the limit. */
export function tokenLimitError(message: string): QueryLimitError | null {
  const m = /^Syntax Error: Document contains more th(?:at|an) (\d+) tokens/.exec(message);
  return m ? new QueryLimitError('TOKENS', Number(m[1])) : null;
}

/** Apollo wraps what a validation rule reports (our limits) in its own ValidationError: the rule's error is the one to show. */
const ownError = (error: unknown): unknown => (error instanceof GraphQLError && !(error instanceof AppError) && error.originalError instanceof AppError ? error.originalError : error);

/** An unreachable database anywhere in a request makes it a 503 with Retry-After, so clients and balancers back off. */
export const unavailableStatusPlugin: ApolloServerPlugin = {
  // One listener for every request (it keeps no state), so a request without errors costs a look at `errors`.
  requestDidStart: constantListener({
    async willSendResponse({ response, errors }) {
      if (!errors?.some((e) => isUnavailable(unwrapResolverError(e)))) return;
      response.http.status = 503;
      response.http.headers.set('retry-after', '5');
    },
  }),
};

/** A requestDidStart that hands every request the same, stateless listener: no closure or promise per request. */
export function constantListener<T extends BaseContext>(listener: GraphQLRequestListener<T>): () => Promise<GraphQLRequestListener<T>> {
  const ready = Promise.resolve(listener);
  return () => ready;
}

/** Driver errors quote the SQL with its values (hashes, sealed pairs): log only what identifies the failure. */
function redactDriverError(err: unknown): unknown {
  if (!(err instanceof DriverException)) return err;
  const { name, code, sqlState } = err as DriverException & { sqlState?: string };
  return { name, code, sqlState };
}
