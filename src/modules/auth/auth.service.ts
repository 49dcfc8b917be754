import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { epochSeconds } from '../../lib/clock';
import { BadCredentialsError, BadUserInputError, EmailNotVerifiedError, EmailTakenError, ForbiddenError, RateLimitedError, UsernameTakenError } from '../../errors';
import type { EmailConfig } from '../mail/mail.config';
import { parseEmail } from '../email/email.address';
import { withRetry } from '../../db/retry';
import type { AccessSigner, ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import { boundKey, type Session } from '../session/session.entity';
import { hasPassword, User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import type { PasswordService } from './password.service';
import { assertNotGuessable } from './password.policy';
import { lockOf, type RateLimits } from './rate-limit';
import { LockoutLog } from './lockout-log';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { AccessClaims, TokenService } from './token.service';
import { revokeAllApiTokens } from '../access/api-token.service';
import { acrOf, splitAmr } from '../mfa/amr';
import type { MfaGate } from '../mfa/mfa-login.service';
import type { StepUp } from '../mfa/step-up';

export interface Credentials {
  username: string;
  password: string;
}

export interface Registration extends Credentials {
  email?: string | null;
}

/** Password checks that open or renew sessions: register, login, refresh, changePassword. */
export class AuthService {
  private readonly lockouts: LockoutLog;

  constructor(
    private readonly tokens: TokenService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly users: UserService,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
    private readonly audit: AuditService,
    private readonly events: AccountEvents,
    private readonly emailRules: Pick<EmailConfig, 'required' | 'verificationRequired'> = { required: false, verificationRequired: false },
    private readonly mfaGate: MfaGate,
    private readonly stepUp: StepUp,
  ) {
    this.lockouts = new LockoutLog(audit, clock);
  }

  /** Only tokens minted right after a password check carry auth_time, so refreshed tokens are never fresh. */
  readonly sign: AccessSigner = (user: User, session: Session, fresh: boolean) => {
    const amr = splitAmr(session.amr);
    const { token, claims } = this.tokens.sign({ userId: user.id, sessionId: session.id, authTime: fresh ? session.authTime : undefined, amr, acr: acrOf(amr), jkt: boundKey(session.dpopJkt) });
    return { accessToken: token, accessExp: claims.exp };
  };

  /** After a first factor other than login itself (a provider sign-in, a reset link): MFA_REQUIRED when the account has a second factor. */
  secondFactorGate(em: EntityManager, user: User, first: 'fed' | 'pwd'): Promise<void> {
    return this.mfaGate.afterFirstFactor(em, user, first);
  }

  /** Whether a sign-in of this account takes a second step (a provider flow then hands out a code, not a cookie). */
  needsSecondFactor(em: EntityManager, userId: string): Promise<boolean> {
    return this.mfaGate.required(em, userId);
  }

  /** RFC 9470 step-up for an operation outside this service (changeEmail): a fresh sign-in, and a fresh second factor where the account has one. */
  requireStepUp(em: EntityManager, userId: string, claims: AccessClaims): Promise<void> {
    return this.stepUp.require(em, userId, claims);
  }

  /** An address given here is unverified until its link is used (the mail is queued by the REGISTERED listener). */
  async register(em: EntityManager, input: Registration, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    await this.limits.attempt('register', meta.ip);
    const username = this.users.validateUsername(input.username);
    const address = input.email == null || input.email.trim() === '' ? null : parseEmail(input.email);
    if (!address && this.emailRules.required) throw new BadUserInputError('email', 'An e-mail address is required.', 'EMAIL_REQUIRED');
    const password = this.passwords.normalize(input.password);
    assertNotGuessable(password, username);
    if (await this.users.findByUsername(em, username)) throw new UsernameTakenError();
    if (address && (await em.findOne(User, { emailKey: address.key }, { fields: ['id'], disableIdentityMap: true }))) throw new EmailTakenError();
    const user = new User(username, await this.passwords.hash(password), this.clock.now());
    if (address) Object.assign(user, { email: address.email, emailKey: address.key });
    try {
      const issued = await withRetry(() => this.sessions.start(em, user, meta, this.sign, undefined, ['pwd'], jkt));
      this.events.emit({ type: 'REGISTERED', userId: user.id, sessionId: issued.session.id, meta });
      return issued;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        // A racing registration took the name or the address: say which.
        if (address && !(await this.users.findByUsername(em.fork(), username))) throw new EmailTakenError();
        throw new UsernameTakenError();
      }
      throw err;
    }
  }

  /**
   * One answer, at one cost, for an unknown user, a wrong password and a disabled account. The name may be the
   * account's verified e-mail address. REQUIRE_EMAIL_VERIFICATION refuses an unverified account only after
   * the password was right, so the refusal tells nothing to someone without it.
   */
  async login(em: EntityManager, input: Credentials, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    const password = this.passwords.normalizeForLogin(input.password);
    // The client's budgets first, so a client over them costs no lookup; then the account's, keyed by the account
    // found, so its username and its e-mail address spend one budget.
    await this.countAttempt(() => this.limits.loginClientAttempt(meta.ip), meta);
    const user = await this.users.findForLogin(em, input.username);
    await this.countAttempt(() => this.limits.loginAccountAttempt(user?.username ?? input.username), meta);
    const ok = user ? await this.passwords.verify(user.passwordHash, password) : await this.passwords.verifyDummy(password);
    if (!user || !ok || !user.isActive) {
      // Unknown usernames are not stored: people sometimes type their password there.
      const reason = !user ? 'UNKNOWN_USER' : !ok ? 'BAD_PASSWORD' : 'DISABLED';
      this.audit.record({ type: 'LOGIN_FAILED', userId: user?.id, ...meta, detail: { reason } });
      await this.limits.loginFailed(meta.ip);
      throw new BadCredentialsError();
    }
    await this.limits.loginSucceeded(user.username, meta.ip);
    this.assertVerified(user);
    await this.mfaGate.afterFirstFactor(em, user, 'pwd'); // MFA_REQUIRED when the account has a second factor
    // Only an account with a verified address can be told about a new device, so only it pays the lookup.
    const newDevice = user.emailVerified ? !(await this.sessions.knownDevice(em, user.id, meta)) : undefined;
    const rehashed = this.passwords.needsRehash(user.passwordHash) ? await this.passwords.hash(password) : undefined;
    // The session starts only if the hash we verified is still the stored one (a racing changePassword wins).
    const guard = { verifiedHash: user.passwordHash, rehashed };
    const issued = await withRetry(() => this.sessions.start(em, user, meta, this.sign, guard, ['pwd'], jkt));
    this.events.emit({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, meta, ...(newDevice ? { newDevice } : {}) });
    return issued;
  }

  async refresh(em: EntityManager, refreshToken: string, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    await this.limits.attempt('refresh', meta.ip);
    // Checked in the signer, which runs before the rotation is written: a refused refresh spends nothing.
    const sign: AccessSigner = (user, session, fresh) => (this.assertVerified(user), this.sign(user, session, fresh));
    const issued = await this.sessions.rotate(em, refreshToken, sign, meta, jkt);
    this.audit.record({ type: 'REFRESHED', userId: issued.user.id, actorId: issued.user.id, sessionId: issued.session.id, ...meta });
    return issued;
  }

  /**
   * Needs a recent password check; keeps the caller's session (with a new pair) and ends every other one.
   * The account's API tokens end too (whoever knew the old password may have made them), unless kept on purpose.
   */
  async changePassword(
    em: EntityManager,
    viewer: User,
    claims: AccessClaims,
    input: { currentPassword: string; newPassword: string; keepApiTokens?: boolean | null },
    meta: ClientMeta,
  ): Promise<{ issued: IssuedSession; apiTokensRevoked: number }> {
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
        const apiTokensRevoked = input.keepApiTokens ? 0 : await revokeAllApiTokens(tx, viewer.id, this.clock.now());
        return { issued: await this.sessions.reissue(tx, session, viewer, this.sign), apiTokensRevoked };
      }),
    );
    viewer.passwordHash = newHash;
    this.events.emit({ type: 'PASSWORD_CHANGED', userId: viewer.id, sessionId: session.id, meta, apiTokensRevoked: issued.apiTokensRevoked, apiTokensKept: !!input.keepApiTokens });
    return issued;
  }

  /**
   * Deletes the viewer's account after the checks changePassword makes: a recent login and the current
   * password, counted against the login limits. The username is free again afterwards.
   */
  async deleteAccount(em: EntityManager, viewer: User, claims: AccessClaims, currentPassword: string | null | undefined, meta: ClientMeta): Promise<void> {
    await this.stepUp.require(em, viewer.id, claims);
    // Without a password (made by a provider sign-in) the recent sign-in is the whole proof, as for setPassword.
    if (hasPassword(viewer)) {
      if (currentPassword == null) throw new BadUserInputError('currentPassword', 'Enter the current password to delete the account.');
      await this.checkCurrentPassword(viewer, claims, this.passwords.normalizeForLogin(currentPassword), meta, 'deleteAccount');
    }
    await this.users.deleteAccount(em, viewer.id);
    // The id only: the username is free for someone else now, and the trail must not tie it to this account.
    this.events.emit({ type: 'ACCOUNT_DELETED', userId: viewer.id, sessionId: claims.sid, meta, username: viewer.username, email: viewer.emailVerified ? viewer.email : null });
  }

  /** The operator's reset (CLI): same policy as changePassword, no old password, and every session and API token ends. */
  async resetPassword(em: EntityManager, user: User, newPassword: string, meta: ClientMeta): Promise<void> {
    const next = this.passwords.normalize(newPassword);
    assertNotGuessable(next, user.username);
    const passwordHash = await this.passwords.hash(next);
    const apiTokensRevoked = await withRetry(() =>
      em.transactional(async (tx) => {
        await tx.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: this.clock.now() });
        await this.sessions.endAllForUser(tx, user.id, 'PASSWORD_CHANGED');
        return revokeAllApiTokens(tx, user.id, this.clock.now());
      }),
    );
    user.passwordHash = passwordHash;
    this.events.emit({ type: 'PASSWORD_CHANGED', userId: user.id, meta, by: 'cli', apiTokensRevoked });
  }

  private assertVerified(user: User): void {
    if (this.emailRules.verificationRequired && !user.emailVerified) throw new EmailNotVerifiedError();
  }

  /** A password check like login's: it counts against the same limits, and a success clears the account's failures. */
  async checkCurrentPassword(viewer: User, claims: AccessClaims, password: string, meta: ClientMeta, during: string): Promise<void> {
    await this.countAttempt(() => this.limits.loginAttempt(viewer.username, meta.ip), meta);
    if (!(await this.passwords.verify(viewer.passwordHash, password))) {
      this.audit.record({ type: 'LOGIN_FAILED', userId: viewer.id, actorId: viewer.id, sessionId: claims.sid, ...meta, detail: { reason: 'BAD_PASSWORD', during } });
      await this.limits.loginFailed(meta.ip);
      throw new BadCredentialsError();
    }
    await this.limits.loginSucceeded(viewer.username, meta.ip);
  }

  /** Counts one password attempt; a lockout is audited when it starts and when it ends, not per refused request. */
  private async countAttempt(take: () => Promise<void>, meta: ClientMeta): Promise<void> {
    this.lockouts.sweep();
    try {
      await take();
    } catch (err) {
      const lock = err instanceof RateLimitedError ? lockOf(err) : undefined;
      if (lock && (lock.limit === 'loginIp' || lock.limit === 'loginAccount')) {
        this.lockouts.refused({ limit: lock.limit, key: lock.key }, Number((err as RateLimitedError).extensions.retryAfter), meta);
      }
      throw err;
    }
  }
}
