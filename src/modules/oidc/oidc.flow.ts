import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { withRetry } from '../../db/retry';
import { isUnavailable } from '../../db/unavailable';
import { OidcFlowError, ServiceUnavailableError, type OidcFailure } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { AuthService } from '../auth/auth.service';
import type { RateLimits } from '../auth/rate-limit';
import { Session } from '../session/session.entity';
import type { ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import { User } from '../user/user.entity';
import type { IdentityService } from './identity.service';
import { hashSecret, type LoginCodes } from './login-code.service';
import type { OidcProviderConfig } from './oidc.config';
import { exchangeCode } from './oidc.exchange';
import { OidcFlow } from './oidc-flow.entity';
import { openid, type ClientConfiguration, type OidcProviders } from './oidc.providers';
import { parseRedirect, withParams } from './redirect';

/** Seconds a browser has to finish at the provider. */
export const FLOW_TTL = 600;
/** Seconds a one-time login code lives. */
export const LOGIN_CODE_TTL = 60;
const PURGE_EVERY_MS = 60_000;

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
  /** The browser's link cookie (set by linkIdentity), which a link ticket must have been issued to. */
  linkCookie?: string;
}

/** What the callback reads from the browser's cookies. */
export interface CallbackCookies {
  state: string | undefined;
  link: string | undefined;
}

/** The browser half of "Sign in with …": start and callback, each ending in a redirect (or a JSON 400). */
export class OidcBrowserFlow {
  private lastPurge = 0;

  constructor(
    private readonly config: Config['oidc'],
    private readonly cookieMode: boolean,
    private readonly providers: OidcProviders,
    private readonly identities: IdentityService,
    private readonly codes: LoginCodes,
    private readonly sessions: SessionService,
    private readonly auth: AuthService,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly logger: Logger,
    private readonly events: AccountEvents,
  ) {}

  /** GET /auth/oidc/:provider/start: a new authorization request with state, nonce and PKCE (S256). */
  async start(em: EntityManager, input: StartInput, meta: ClientMeta): Promise<FlowOutcome> {
    await this.limits.attempt('oidcStart', meta.ip);
    const target = input.redirect === undefined || typeof input.redirect === 'string' ? parseRedirect(input.redirect, this.config.publicOrigin, this.config.redirectOrigins) : null;
    if (!target) return this.refuse('REDIRECT_NOT_ALLOWED', input.provider, meta);
    try {
      if (input.mode !== undefined && input.mode !== 'code') throw new OidcFlowError('INVALID_REQUEST', 'mode');
      if (input.link !== undefined && typeof input.link !== 'string') throw new OidcFlowError('INVALID_REQUEST', 'link');
      const { provider, client } = this.providerOrThrow(input.provider);
      const ticket = input.link === undefined ? null : await this.redeemLinkTicket(em, input.link, provider.id, input.linkCookie);
      await this.purge(em);
      const state = openid.randomState();
      const nonce = openid.randomNonce();
      const codeVerifier = openid.randomPKCECodeVerifier();
      const delivery = target.sameOrigin && this.cookieMode && input.mode !== 'code' ? 'COOKIE' : 'CODE';
      const flow = new OidcFlow({ stateHash: hashSecret(state), provider: provider.id, nonce, codeVerifier, redirect: target.url, delivery, linkUserId: ticket?.userId ?? null, bindingHash: ticket?.bindingHash ?? null, now: this.clock.now(), ttlSeconds: FLOW_TTL });
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
   * GET /auth/oidc/:provider/callback: the browser must hold the state in the flow cookie (checked before the state
   * is spent, so a forged callback cannot burn a real one), and a link flow its link cookie; the state is spent
   * (once), then openid-client exchanges the code and validates the ID token; the account is found, created or linked.
   */
  async callback(em: EntityManager, providerId: string, query: string, cookies: CallbackCookies, meta: ClientMeta): Promise<FlowOutcome> {
    await this.limits.attempt('oidcCallback', meta.ip);
    const params = new URLSearchParams(query);
    const states = params.getAll('state');
    const flow = states.length === 1 && states[0] ? await withRetry(() => em.findOne(OidcFlow, { stateHash: hashSecret(states[0]) })) : null;
    // Without a known state there is no validated place to send the browser: a JSON 400.
    if (!flow) return this.refuse('STATE_UNKNOWN', providerId, meta);
    const state = states[0];
    try {
      const now = this.clock.now();
      if (!cookies.state || !sameSecret(cookies.state, state)) throw new OidcFlowError('STATE_MISMATCH', cookies.state ? 'cookie differs' : 'no flow cookie');
      if (flow.linkUserId && !boundTo(flow.bindingHash, cookies.link)) throw new OidcFlowError('LINK_BROWSER_MISMATCH', cookies.link ? 'link cookie differs' : 'no link cookie');
      if (flow.usedAt || (await withRetry(() => em.nativeUpdate(OidcFlow, { id: flow.id, usedAt: null }, { usedAt: now }))) !== 1) {
        throw new OidcFlowError('STATE_REPLAYED');
      }
      if (flow.expiresAt.getTime() <= now.getTime()) throw new OidcFlowError('STATE_EXPIRED');
      if (flow.provider !== providerId) throw new OidcFlowError('STATE_MISMATCH', `flow of ${flow.provider}`);
      const { provider, client } = this.providerOrThrow(providerId);
      const profile = await exchangeCode(provider, client, flow, query, state, this.logger);
      if (flow.linkUserId) {
        await this.identities.link(em, flow.linkUserId, provider.id, profile, meta);
        return { kind: 'redirect', location: withParams(flow.redirect, { linked: provider.id }) };
      }
      const user = await this.identities.signIn(em, provider.id, profile, meta);
      // An account with a second factor gets the one-time code instead: completeExternalLogin then asks for the factor.
      if (flow.delivery === 'COOKIE' && !(await this.auth.needsSecondFactor(em, user.id))) {
        const issued = await withRetry(() => this.sessions.start(em, user, meta, this.auth.sign, undefined, ['fed']));
        this.events.emit({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, meta, method: 'oidc', provider: provider.id });
        return { kind: 'redirect', location: flow.redirect, refresh: issued };
      }
      const { code } = await withRetry(() => this.codes.issue(em, { purpose: 'LOGIN', userId: user.id, provider: provider.id, ttlSeconds: LOGIN_CODE_TTL }));
      return { kind: 'redirect', location: withParams(flow.redirect, { code }) };
    } catch (err) {
      return this.refuseTo(flow.redirect, this.asFlowError(err), providerId, meta, flow.linkUserId);
    }
  }

  private providerOrThrow(id: string): { provider: OidcProviderConfig; client: ClientConfiguration } {
    const provider = this.providers.config(id);
    if (!provider) throw new OidcFlowError('UNKNOWN_PROVIDER');
    const client = this.providers.client(id);
    if (!client) throw new OidcFlowError('PROVIDER_UNAVAILABLE');
    return { provider, client };
  }

  /**
   * A link ticket is spent when the flow starts, and only in the browser it was issued to (so a link URL sent to
   * someone else cannot attach their provider account to the sender's); its session must still be live and its user active.
   */
  private async redeemLinkTicket(em: EntityManager, ticket: string, providerId: string, linkCookie: string | undefined): Promise<{ userId: string; bindingHash: string }> {
    const row = await withRetry(() => this.codes.consume(em, ticket, 'LINK'));
    if (!row) throw new OidcFlowError('LINK_TICKET_INVALID', 'unknown, used or expired');
    if (row.provider !== providerId) throw new OidcFlowError('LINK_TICKET_INVALID', `ticket for ${row.provider}`);
    if (!row.bindingHash || !boundTo(row.bindingHash, linkCookie)) throw new OidcFlowError('LINK_BROWSER_MISMATCH', linkCookie ? 'link cookie differs' : 'no link cookie');
    const session = row.sessionId ? await em.findOne(Session, { id: row.sessionId }) : null;
    const user = await em.findOne(User, { id: row.userId });
    if (!session || session.userId !== row.userId || !this.sessions.isLive(session) || !user?.isActive) {
      throw new OidcFlowError('LINK_TICKET_INVALID', 'session ended');
    }
    return { userId: row.userId, bindingHash: row.bindingHash };
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
const boundTo = (bindingHash: string | null, cookie: string | undefined) => !!bindingHash && !!cookie && sameSecret(hashSecret(cookie), bindingHash);
