import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { withRetry } from '../../db/retry';
import { BadUserInputError, InvalidLoginCodeError, OidcFlowError, ProviderUnavailableError, ServiceUnavailableError, type OidcFailure } from '../../errors';
import { isUnavailable } from '../../db/unavailable';
import type { AuditService } from '../audit/audit.service';
import type { AuthService } from '../auth/auth.service';
import type { RateLimits } from '../auth/rate-limit';
import type { AccessClaims } from '../auth/token.service';
import { Session } from '../session/session.entity';
import type { ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import { User } from '../user/user.entity';
import { assertFreshLogin, type IdentityService, type ProviderProfile } from './identity.service';
import { hashSecret, type LoginCodes } from './login-code.service';
import type { OidcProviderConfig } from './oidc.config';
import { OidcFlow } from './oidc-flow.entity';
import { describe, openid, type ClientConfiguration, type OidcProviders } from './oidc.providers';
import { parseRedirect, withParams } from './redirect';

/** Seconds a browser has to finish at the provider. */
export const FLOW_TTL = 600;
/** Seconds a one-time login code lives. */
export const LOGIN_CODE_TTL = 60;
/** Seconds a link ticket from linkIdentity lives. */
export const LINK_TICKET_TTL = 120;
const PURGE_EVERY_MS = 60_000;

export interface AuthProviderModel {
  id: string;
  name: string;
  available: boolean;
  startUrl: string;
}

/** How the HTTP layer should answer a step of the browser flow. */
export type FlowOutcome =
  | { kind: 'redirect'; location: string; flowCookie?: string; refresh?: IssuedSession }
  | { kind: 'refused'; failure: OidcFailure };

/** The start request's query as parsed (a repeated parameter arrives as an array, and is refused). */
export interface StartInput {
  provider: string;
  redirect: unknown;
  mode: unknown;
  link: unknown;
}

/** The browser flow (start, callback), one-time login codes and link tickets, over the configured providers. */
export class OidcService {
  private lastPurge = 0;

  constructor(
    private readonly config: Config['oidc'],
    private readonly cookieMode: boolean,
    readonly providers: OidcProviders,
    readonly identities: IdentityService,
    private readonly codes: LoginCodes,
    private readonly sessions: SessionService,
    private readonly auth: AuthService,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    private readonly freshWindow: number,
    private readonly audit: AuditService,
    private readonly logger: Logger,
  ) {}

  list(): AuthProviderModel[] {
    return this.providers.list().map((p) => ({ ...p, startUrl: `${this.config.publicUrl}/auth/oidc/${p.id}/start` }));
  }

  /** GET /auth/oidc/:provider/start: a new authorization request with state, nonce and PKCE (S256). */
  async start(em: EntityManager, input: StartInput, meta: ClientMeta): Promise<FlowOutcome> {
    await this.limits.attempt('oidcStart', meta.ip);
    const target = input.redirect === undefined || typeof input.redirect === 'string' ? parseRedirect(input.redirect, this.config.publicOrigin, this.config.redirectOrigins) : null;
    if (!target) return this.refuse('REDIRECT_NOT_ALLOWED', input.provider, meta);
    try {
      if (input.mode !== undefined && input.mode !== 'code') throw new OidcFlowError('INVALID_REQUEST', 'mode');
      if (input.link !== undefined && typeof input.link !== 'string') throw new OidcFlowError('INVALID_REQUEST', 'link');
      const { provider, client } = this.providerOrThrow(input.provider);
      const linkUserId = input.link === undefined ? null : await this.redeemLinkTicket(em, input.link, provider.id);
      await this.purge(em);
      const state = openid.randomState();
      const nonce = openid.randomNonce();
      const codeVerifier = openid.randomPKCECodeVerifier();
      const delivery = target.sameOrigin && this.cookieMode && input.mode !== 'code' ? 'COOKIE' : 'CODE';
      const flow = new OidcFlow({ stateHash: hashSecret(state), provider: provider.id, nonce, codeVerifier, redirect: target.url, delivery, linkUserId, now: this.clock.now(), ttlSeconds: FLOW_TTL });
      await withRetry(() => em.insert(flow));
      const url = openid.buildAuthorizationUrl(client, {
        redirect_uri: provider.redirectUri,
        scope: provider.scopes,
        state,
        nonce,
        code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { kind: 'redirect', location: url.href, flowCookie: state };
    } catch (err) {
      return this.refuseTo(target.url, this.asFlowError(err), input.provider, meta);
    }
  }

  /**
   * GET /auth/oidc/:provider/callback: the state is spent (once), the browser must hold it in the flow cookie,
   * then openid-client exchanges the code and validates the ID token; the account is found, created or linked.
   */
  async callback(em: EntityManager, providerId: string, query: string, cookieState: string | undefined, meta: ClientMeta): Promise<FlowOutcome> {
    await this.limits.attempt('oidcCallback', meta.ip);
    const params = new URLSearchParams(query);
    const states = params.getAll('state');
    const flow = states.length === 1 && states[0] ? await withRetry(() => em.findOne(OidcFlow, { stateHash: hashSecret(states[0]) })) : null;
    // Without a known state there is no validated place to send the browser: a JSON 400.
    if (!flow) return this.refuse('STATE_UNKNOWN', providerId, meta);
    const state = states[0];
    try {
      const now = this.clock.now();
      if (flow.usedAt || (await withRetry(() => em.nativeUpdate(OidcFlow, { id: flow.id, usedAt: null }, { usedAt: now }))) !== 1) {
        throw new OidcFlowError('STATE_REPLAYED');
      }
      if (flow.expiresAt.getTime() <= now.getTime()) throw new OidcFlowError('STATE_EXPIRED');
      if (!cookieState || !sameSecret(cookieState, state)) throw new OidcFlowError('STATE_MISMATCH', cookieState ? 'cookie differs' : 'no flow cookie');
      if (flow.provider !== providerId) throw new OidcFlowError('STATE_MISMATCH', `flow of ${flow.provider}`);
      const { provider, client } = this.providerOrThrow(providerId);
      const profile = await this.exchange(provider, client, flow, query, state);
      if (flow.linkUserId) {
        await this.identities.link(em, flow.linkUserId, provider.id, profile, meta);
        return { kind: 'redirect', location: withParams(flow.redirect, { linked: provider.id }) };
      }
      const user = await this.identities.signIn(em, provider.id, profile, meta);
      if (flow.delivery === 'COOKIE') {
        const issued = await withRetry(() => this.sessions.start(em, user, meta, this.auth.sign));
        this.audit.record({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, ...meta, detail: { method: 'oidc', provider: provider.id } });
        return { kind: 'redirect', location: flow.redirect, refresh: issued };
      }
      const { code } = await withRetry(() => this.codes.issue(em, { purpose: 'LOGIN', userId: user.id, provider: provider.id, ttlSeconds: LOGIN_CODE_TTL }));
      return { kind: 'redirect', location: withParams(flow.redirect, { code }) };
    } catch (err) {
      return this.refuseTo(flow.redirect, this.asFlowError(err), providerId, meta, flow.linkUserId);
    }
  }

  /** Trades a one-time login code (from a callback) for a session, exactly as login starts one. */
  async completeExternalLogin(em: EntityManager, code: string, meta: ClientMeta): Promise<IssuedSession> {
    await this.limits.attempt('oidcExchange', meta.ip);
    const row = await withRetry(() => this.codes.consume(em, code, 'LOGIN'));
    const user = row ? await em.findOne(User, { id: row.userId }) : null;
    if (!row || !user || !user.isActive) {
      this.audit.record({ type: 'OIDC_REFUSED', userId: row?.userId, ...meta, detail: { reason: 'INVALID_LOGIN_CODE', ...(row ? { provider: row.provider, account: user ? 'disabled' : 'gone' } : {}) } });
      throw new InvalidLoginCodeError();
    }
    const issued = await withRetry(() => this.sessions.start(em, user, meta, this.auth.sign));
    this.audit.record({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, ...meta, detail: { method: 'oidc', provider: row.provider, via: 'code' } });
    return issued;
  }

  /**
   * A URL that starts the flow with a link intent: it carries a single-use ticket (LINK_TICKET_TTL seconds) bound
   * to this user and session, so the browser flow knows whom the new identity joins.
   */
  async linkIdentity(em: EntityManager, viewer: User, claims: AccessClaims, providerId: string, redirect: string | null | undefined): Promise<{ url: string; expiresAt: Date }> {
    assertFreshLogin(claims, this.clock.now(), this.freshWindow);
    const provider = this.providers.config(providerId);
    if (!provider) throw new BadUserInputError('provider', 'No such sign-in provider.', 'UNKNOWN_PROVIDER');
    if (!this.providers.client(providerId)) throw new ProviderUnavailableError();
    const target = parseRedirect(redirect ?? undefined, this.config.publicOrigin, this.config.redirectOrigins);
    if (!target) throw new BadUserInputError('redirect', 'The redirect must be a path on this server or an origin in OIDC_REDIRECT_ORIGINS.', 'REDIRECT_NOT_ALLOWED');
    const { code, expiresAt } = await withRetry(() =>
      this.codes.issue(em, { purpose: 'LINK', userId: viewer.id, sessionId: claims.sid, provider: provider.id, ttlSeconds: LINK_TICKET_TTL }),
    );
    const query = new URLSearchParams({ redirect: target.url, link: code });
    return { url: `${this.config.publicUrl}/auth/oidc/${provider.id}/start?${query}`, expiresAt };
  }

  private providerOrThrow(id: string): { provider: OidcProviderConfig; client: ClientConfiguration } {
    const provider = this.providers.config(id);
    if (!provider) throw new OidcFlowError('UNKNOWN_PROVIDER');
    const client = this.providers.client(id);
    if (!client) throw new OidcFlowError('PROVIDER_UNAVAILABLE');
    return { provider, client };
  }

  /** A link ticket is spent when the flow starts; its session must still be live and its user active. */
  private async redeemLinkTicket(em: EntityManager, ticket: string, providerId: string): Promise<string> {
    const row = await withRetry(() => this.codes.consume(em, ticket, 'LINK'));
    if (!row) throw new OidcFlowError('LINK_TICKET_INVALID', 'unknown, used or expired');
    if (row.provider !== providerId) throw new OidcFlowError('LINK_TICKET_INVALID', `ticket for ${row.provider}`);
    const session = row.sessionId ? await em.findOne(Session, { id: row.sessionId }) : null;
    const user = await em.findOne(User, { id: row.userId });
    if (!session || session.userId !== row.userId || !this.sessions.isLive(session) || !user?.isActive) {
      throw new OidcFlowError('LINK_TICKET_INVALID', 'session ended');
    }
    return row.userId;
  }

  /** openid-client does the exchange and every check of the ID token; its errors become stable failure codes. */
  private async exchange(provider: OidcProviderConfig, client: ClientConfiguration, flow: OidcFlow, query: string, state: string): Promise<ProviderProfile> {
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
        this.logger.warn('oidc userinfo failed; using the ID token alone', { provider: provider.id, error: describe(err) });
      }
    }
    const email = typeof names.email === 'string' && names.email.length <= 320 ? names.email : null;
    return { sub: claims.sub, email, preferred_username: names.preferred_username };
  }

  private asFlowError(err: unknown): OidcFlowError {
    if (err instanceof OidcFlowError) return err;
    if (err instanceof ServiceUnavailableError || isUnavailable(err)) return new OidcFlowError('SERVICE_UNAVAILABLE');
    this.logger.error('oidc flow failed unexpectedly', err);
    return new OidcFlowError('SERVER_ERROR', err instanceof Error ? err.name : undefined);
  }

  /** A refusal with no safe redirect: a JSON 400 (and an audit event). */
  private refuse(failure: OidcFailure, provider: string, meta: ClientMeta): FlowOutcome {
    this.audit.record({ type: 'OIDC_REFUSED', ...meta, detail: { provider: provider.slice(0, 64), reason: failure } });
    return { kind: 'refused', failure };
  }

  /** A refusal sent back to the validated target as ?error=<code> (and an audit event with the library's reason). */
  private refuseTo(target: string, err: OidcFlowError, provider: string, meta: ClientMeta, userId?: string | null): FlowOutcome {
    this.audit.record({
      type: 'OIDC_REFUSED',
      userId: userId ?? undefined,
      ...meta,
      detail: { provider: provider.slice(0, 64), reason: err.failure, ...(err.detail ? { cause: err.detail.slice(0, 300) } : {}) },
    });
    return { kind: 'redirect', location: withParams(target, { error: err.failure }) };
  }

  /** Expired flows and codes go at most once a minute, by whichever start comes along. */
  private async purge(em: EntityManager): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    // Spent and expired flows stay an hour, so a replay is told "replayed" rather than "unknown".
    await em.nativeDelete(OidcFlow, { expiresAt: { $lt: new Date(now - 3600_000) } });
    await this.codes.purge(em);
  }
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** openid-client's error for a refused exchange, as one of our codes; the library's words go to the audit detail. */
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
  const transport = ['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_HTTP_REQUEST_FORBIDDEN'];
  if (!(err instanceof openid.ClientError) || (typeof code === 'string' && transport.includes(code))) return new OidcFlowError('TOKEN_EXCHANGE_FAILED', detail);
  return new OidcFlowError('ID_TOKEN_INVALID', detail);
}
