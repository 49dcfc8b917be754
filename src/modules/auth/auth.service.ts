import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { BadCredentialsError, RateLimitedError, UsernameTakenError } from '../../errors';
import { withRetry } from '../../db/retry';
import type { AccessSigner, ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import type { Session } from '../session/session.entity';
import { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import type { PasswordService } from './password.service';
import { assertNotGuessable } from './password.policy';
import type { RateLimits } from './rate-limit';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { AccessClaims, TokenService } from './token.service';
import { acrOf, splitAmr } from '../mfa/amr';
import type { MfaGate } from '../mfa/mfa-login.service';
import type { StepUp } from '../mfa/step-up';

export interface Credentials {
  username: string;
  password: string;
}

/** Password checks that open or renew sessions: register, login, refresh, changePassword. */
export class AuthService {
  constructor(
    private readonly tokens: TokenService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly users: UserService,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
    private readonly audit: AuditService,
    private readonly events: AccountEvents,
    private readonly mfaGate: MfaGate,
    private readonly stepUp: StepUp,
  ) {}

  /** Only tokens minted right after a password check carry auth_time, so refreshed tokens are never fresh. */
  readonly sign: AccessSigner = (user: User, session: Session, fresh: boolean) => {
    const amr = splitAmr(session.amr);
    const { token, claims } = this.tokens.sign({ userId: user.id, sessionId: session.id, authTime: fresh ? session.authTime : undefined, amr, acr: acrOf(amr) });
    return { accessToken: token, accessExp: claims.exp };
  };

  /** After a first factor other than login's password (a provider sign-in): MFA_REQUIRED when the account has a second factor. */
  secondFactorGate(em: EntityManager, user: User, first: 'fed'): Promise<void> {
    return this.mfaGate.afterFirstFactor(em, user, first);
  }

  /** Whether a sign-in of this account takes a second step (a provider flow then hands out a code, not a cookie). */
  needsSecondFactor(em: EntityManager, userId: string): Promise<boolean> {
    return this.mfaGate.required(em, userId);
  }

  async register(em: EntityManager, input: Credentials, meta: ClientMeta): Promise<IssuedSession> {
    await this.limits.attempt('register', meta.ip);
    const username = this.users.validateUsername(input.username);
    const password = this.passwords.normalize(input.password);
    assertNotGuessable(password, username);
    if (await this.users.findByUsername(em, username)) throw new UsernameTakenError();
    const user = new User(username, await this.passwords.hash(password), this.clock.now());
    try {
      const issued = await withRetry(() => this.sessions.start(em, user, meta, this.sign));
      this.events.emit({ type: 'REGISTERED', userId: user.id, sessionId: issued.session.id, meta });
      return issued;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new UsernameTakenError();
      throw err;
    }
  }

  /** One answer, at one cost, for an unknown user, a wrong password and a disabled account. */
  async login(em: EntityManager, input: Credentials, meta: ClientMeta): Promise<IssuedSession> {
    const password = this.passwords.normalizeForLogin(input.password);
    await this.countAttempt(input.username, meta);
    const user = await this.users.findByUsername(em, input.username);
    const ok = user ? await this.passwords.verify(user.passwordHash, password) : await this.passwords.verifyDummy(password);
    if (!user || !ok || !user.isActive) {
      // Unknown usernames are not stored: people sometimes type their password there.
      const reason = !user ? 'UNKNOWN_USER' : !ok ? 'BAD_PASSWORD' : 'DISABLED';
      this.audit.record({ type: 'LOGIN_FAILED', userId: user?.id, ...meta, detail: { reason } });
      throw new BadCredentialsError();
    }
    await this.limits.loginSucceeded(input.username, meta.ip);
    await this.mfaGate.afterFirstFactor(em, user, 'pwd'); // MFA_REQUIRED when the account has a second factor
    const rehashed = this.passwords.needsRehash(user.passwordHash) ? await this.passwords.hash(password) : undefined;
    // The session starts only if the hash we verified is still the stored one (a racing changePassword wins).
    const guard = { verifiedHash: user.passwordHash, rehashed };
    const issued = await withRetry(() => this.sessions.start(em, user, meta, this.sign, guard));
    this.events.emit({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, meta });
    return issued;
  }

  async refresh(em: EntityManager, refreshToken: string, meta: ClientMeta): Promise<IssuedSession> {
    await this.limits.attempt('refresh', meta.ip);
    const issued = await this.sessions.rotate(em, refreshToken, this.sign, meta);
    this.audit.record({ type: 'REFRESHED', userId: issued.user.id, sessionId: issued.session.id, ...meta });
    return issued;
  }

  /** Needs a recent password check; keeps the caller's session (with a new pair) and ends every other one. */
  async changePassword(em: EntityManager, viewer: User, claims: AccessClaims, input: { currentPassword: string; newPassword: string }, meta: ClientMeta): Promise<IssuedSession> {
    await this.stepUp.require(em, viewer.id, claims);
    const current = this.passwords.normalizeForLogin(input.currentPassword);
    const next = this.passwords.normalize(input.newPassword, 'newPassword');
    assertNotGuessable(next, viewer.username, 'newPassword');
    await this.checkCurrentPassword(viewer, claims, current, meta, 'changePassword');
    const verifiedHash = viewer.passwordHash;
    const newHash = await this.passwords.hash(next);
    const session = await this.sessions.getOwned(em, viewer.id, claims.sid);
    const issued = await withRetry(() =>
      em.transactional(async (tx) => {
        // Updating the user row first serialises this with a racing login (see SessionService.start).
        const changed = await tx.nativeUpdate(User, { id: viewer.id, passwordHash: verifiedHash }, { passwordHash: newHash, updatedAt: this.clock.now() });
        if (changed !== 1) throw new BadCredentialsError();
        await this.sessions.endAllForUser(tx, viewer.id, 'PASSWORD_CHANGED', { except: session.id });
        return this.sessions.reissue(tx, session, viewer, this.sign);
      }),
    );
    viewer.passwordHash = newHash;
    this.events.emit({ type: 'PASSWORD_CHANGED', userId: viewer.id, sessionId: session.id, meta });
    return issued;
  }

  /**
   * Deletes the viewer's account after the checks changePassword makes: a recent login and the current
   * password, counted against the login limits. The username is free again afterwards.
   */
  async deleteAccount(em: EntityManager, viewer: User, claims: AccessClaims, currentPassword: string, meta: ClientMeta): Promise<void> {
    await this.stepUp.require(em, viewer.id, claims);
    await this.checkCurrentPassword(viewer, claims, this.passwords.normalizeForLogin(currentPassword), meta, 'deleteAccount');
    await this.users.deleteAccount(em, viewer.id);
    // The id only: the username is free for someone else now, and the trail must not tie it to this account.
    this.events.emit({ type: 'ACCOUNT_DELETED', userId: viewer.id, sessionId: claims.sid, meta });
  }

  /** The operator's reset (CLI): same policy as changePassword, no old password, and every session ends. */
  async resetPassword(em: EntityManager, user: User, newPassword: string, meta: ClientMeta): Promise<void> {
    const next = this.passwords.normalize(newPassword);
    assertNotGuessable(next, user.username);
    const passwordHash = await this.passwords.hash(next);
    await withRetry(() =>
      em.transactional(async (tx) => {
        await tx.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: this.clock.now() });
        await this.sessions.endAllForUser(tx, user.id, 'PASSWORD_CHANGED');
      }),
    );
    user.passwordHash = passwordHash;
    this.events.emit({ type: 'PASSWORD_CHANGED', userId: user.id, meta, by: 'cli' });
  }

  /** A password check like login's: it counts against the same limits, and a success clears the account's failures. */
  private async checkCurrentPassword(viewer: User, claims: AccessClaims, password: string, meta: ClientMeta, during: string): Promise<void> {
    await this.countAttempt(viewer.username, meta);
    if (!(await this.passwords.verify(viewer.passwordHash, password))) {
      this.audit.record({ type: 'LOGIN_FAILED', userId: viewer.id, sessionId: claims.sid, ...meta, detail: { reason: 'BAD_PASSWORD', during } });
      throw new BadCredentialsError();
    }
    await this.limits.loginSucceeded(viewer.username, meta.ip);
  }

  /** Counts one password attempt; a refusal is audited as a lockout. */
  private async countAttempt(username: string, meta: ClientMeta): Promise<void> {
    try {
      await this.limits.loginAttempt(username, meta.ip);
    } catch (err) {
      if (err instanceof RateLimitedError) this.audit.record({ type: 'LOGIN_LOCKED', ...meta, detail: { retryAfter: err.extensions.retryAfter } });
      throw err;
    }
  }
}
