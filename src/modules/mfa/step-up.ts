import type { EntityManager } from '@mikro-orm/core';
import { epochSeconds, type Clock } from '../../lib/clock';
import { ForbiddenError, InsufficientUserAuthenticationError } from '../../errors';
import type { AccessClaims } from '../auth/token.service';
import type { Permission } from '../access/permissions';
import { MFA_ACR } from './amr';
import { hasSecondFactor, type MfaService } from './mfa.service';

/**
 * Sensitive operations need a recent sign-in (FRESH_LOGIN_WINDOW), and for an account with a second factor a
 * recent sign-in that used it: otherwise RFC 9470's answer, which names the acr and max_age to ask for.
 */
export class StepUp {
  constructor(private readonly mfa: MfaService, private readonly clock: Clock, private readonly window: number) {}

  async require(em: EntityManager, userId: string, claims: AccessClaims): Promise<void> {
    const fresh = claims.auth_time !== undefined && epochSeconds(this.clock.now()) - claims.auth_time <= this.window;
    if (fresh && claims.acr === MFA_ACR) return;
    if (!hasSecondFactor(await this.mfa.status(em, userId))) {
      if (!fresh) throw new ForbiddenError('FRESH_LOGIN_REQUIRED');
      return;
    }
    throw new InsufficientUserAuthenticationError(MFA_ACR, this.window);
  }

  /**
   * MFA_REQUIRED_FOR: a permission in the list is usable only from a session opened with a second factor; an
   * account that has none yet is told to enrol. An API token cannot step up: it counts only when it was minted
   * from a session opened with a second factor (`tokenSecondFactor`), and the owner still has one.
   */
  async requireForPermission(em: EntityManager, userId: string, claims: AccessClaims | null, permission: Permission, tokenSecondFactor: boolean | null = null): Promise<void> {
    if (claims?.acr === MFA_ACR) return;
    if (!hasSecondFactor(await this.mfa.status(em, userId))) throw new ForbiddenError('MFA_ENROLLMENT_REQUIRED', permission);
    if (claims) throw new InsufficientUserAuthenticationError(MFA_ACR);
    if (!tokenSecondFactor) throw new ForbiddenError('API_TOKEN_WITHOUT_SECOND_FACTOR', permission);
  }
}
