import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import { withRetry } from '../../db/retry';
import { BadUserInputError, InvalidLoginCodeError, ProviderUnavailableError } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { AuthService } from '../auth/auth.service';
import type { RateLimits } from '../auth/rate-limit';
import type { AccessClaims } from '../auth/token.service';
import type { ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import { User } from '../user/user.entity';
import { assertFreshLogin, type IdentityService } from './identity.service';
import { hashSecret, type LoginCodes } from './login-code.service';
import type { OidcBrowserFlow } from './oidc.flow';
import type { OidcProviders } from './oidc.providers';
import { parseRedirect } from './redirect';

/** Seconds a link ticket from linkIdentity lives. */
export const LINK_TICKET_TTL = 120;

export interface AuthProviderModel {
  id: string;
  name: string;
  available: boolean;
  startUrl: string;
}

/** Sign-in with OpenID Connect providers: the providers, the browser flow, accounts' identities, codes and link tickets. */
export class OidcService {
  constructor(
    private readonly config: Config['oidc'],
    readonly providers: OidcProviders,
    readonly flow: OidcBrowserFlow,
    readonly identities: IdentityService,
    private readonly codes: LoginCodes,
    private readonly sessions: SessionService,
    private readonly auth: AuthService,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    private readonly freshWindow: number,
    private readonly audit: AuditService,
    private readonly events: AccountEvents,
  ) {}

  list(): AuthProviderModel[] {
    return this.providers.list().map((p) => ({ ...p, startUrl: `${this.config.publicUrl}/auth/oidc/${p.id}/start` }));
  }

  /** Trades a one-time login code (from a callback) for a session, exactly as login starts one. */
  async completeExternalLogin(em: EntityManager, code: string, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    await this.limits.attempt('oidcExchange', meta.ip);
    const row = await withRetry(() => this.codes.consume(em, code, 'LOGIN'));
    const user = row ? await em.findOne(User, { id: row.userId }) : null;
    if (!row || !user || !user.isActive) {
      this.audit.record({ type: 'OIDC_REFUSED', userId: row?.userId, ...meta, detail: { reason: 'INVALID_LOGIN_CODE', ...(row ? { provider: row.provider, account: user ? 'disabled' : 'gone' } : {}) } });
      throw new InvalidLoginCodeError();
    }
    await this.auth.secondFactorGate(em, user, 'fed');
    const issued = await withRetry(() => this.sessions.start(em, user, meta, this.auth.sign, undefined, ['fed'], jkt));
    this.events.emit({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, meta, method: 'oidc', provider: row.provider, via: 'code' });
    return issued;
  }

  /**
   * A URL that starts the flow with a link intent: it carries a single-use ticket (LINK_TICKET_TTL seconds) bound
   * to this user and session, so the browser flow knows whom the new identity joins, and to `binding`, the link
   * cookie the caller sets in the asking browser.
   */
  async linkIdentity(em: EntityManager, viewer: User, claims: AccessClaims, providerId: string, redirect: string | null | undefined, binding: string): Promise<{ url: string; expiresAt: Date }> {
    assertFreshLogin(claims, this.clock.now(), this.freshWindow);
    const provider = this.providers.config(providerId);
    if (!provider) throw new BadUserInputError('provider', 'No such sign-in provider.', 'UNKNOWN_PROVIDER');
    if (!this.providers.client(providerId)) throw new ProviderUnavailableError();
    const target = parseRedirect(redirect ?? undefined, this.config.publicOrigin, this.config.redirectOrigins);
    if (!target) throw new BadUserInputError('redirect', 'The redirect must be a path on this server or an origin in OIDC_REDIRECT_ORIGINS.', 'REDIRECT_NOT_ALLOWED');
    const { code, expiresAt } = await withRetry(() =>
      this.codes.issue(em, { purpose: 'LINK', userId: viewer.id, sessionId: claims.sid, bindingHash: hashSecret(binding), provider: provider.id, ttlSeconds: LINK_TICKET_TTL }),
    );
    const query = new URLSearchParams({ redirect: target.url, link: code });
    return { url: `${this.config.publicUrl}/auth/oidc/${provider.id}/start?${query}`, expiresAt };
  }
}
