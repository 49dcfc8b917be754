import { assertMayActOn } from '../access/account-guard';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import { BadUserInputError, EmailTakenError, EmailTokenError } from '../../errors';
import { withRetry } from '../../db/retry';
import type { AccountEvents } from '../../events';
import type { Clock } from '../../lib/clock';
import { ApiToken } from '../access/api-token.entity';
import type { AuthService } from '../auth/auth.service';
import { assertNotGuessable } from '../auth/password.policy';
import type { PasswordService } from '../auth/password.service';
import type { RateLimits } from '../auth/rate-limit';
import type { AccessClaims } from '../auth/token.service';
import { formatAt, type MailData } from '../mail/templates/layout';
import type { Mailer, OutboxPayload } from '../mail/mailer';
import type { ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import { User } from '../user/user.entity';
import type { Actor, UserService } from '../user/user.service';
import { parseEmail } from './email.address';
import { EmailToken } from './email-token.entity';
import { consumeEmailToken, findEmailToken, issueEmailToken } from './email-token';

/** The outbox job a reset request becomes: the request path writes only this row, for any address. */
export const RESET_REQUEST = 'password-reset-request';

/** "30 minutes", "1 hour", "24 hours": how long a link works, in the mail's words. */
export function inWords(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Addresses on accounts: verification, password reset by mail, and changing the address. */
export class EmailService {
  constructor(
    private readonly cfg: Config['email'],
    private readonly publicUrl: string,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly events: AccountEvents,
    private readonly limits: RateLimits,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly users: UserService,
    private readonly auth: AuthService,
  ) {
    mailer.defineJob(RESET_REQUEST, (tx, payload) => this.resetRequested(tx, payload));
  }

  /** A verification link to the viewer's address; false when it is verified already. */
  async sendVerification(em: EntityManager, viewer: User, meta: ClientMeta): Promise<boolean> {
    this.mailer.assertEnabled();
    if (!viewer.email || !viewer.emailKey) throw new BadUserInputError('email', 'The account has no e-mail address; add one with changeEmail.', 'NO_EMAIL');
    await this.limits.mailRequested(viewer.emailKey, meta.ip);
    if (viewer.emailVerified) return false;
    await this.queueVerification(em, viewer, meta);
    return true;
  }

  /** After register with an address: the verification link, unless mail is disabled (the address is kept). */
  async afterRegister(em: EntityManager, userId: string, meta?: ClientMeta): Promise<void> {
    const user = await em.findOne(User, { id: userId });
    if (!this.mailer.enabled || !user?.email || user.emailVerified) return;
    await this.queueVerification(em, user, meta);
  }

  /** Uses a verification link (the account's address is verified) or an address-change link (the account moves to it). */
  async verify(em: EntityManager, presented: string, meta: ClientMeta): Promise<User> {
    const now = this.clock.now();
    const { token, user } = await findEmailToken(em, presented, ['VERIFY', 'CHANGE'], now);
    if (token.purpose === 'VERIFY' && token.emailKey !== user.emailKey) throw new EmailTokenError('TOKEN_SUPERSEDED'); // the address changed since
    const previous = { email: user.email, verified: user.emailVerified };
    try {
      await withRetry(() =>
        em.transactional(async (tx) => {
          if (!(await consumeEmailToken(tx, token, now))) throw new EmailTokenError('TOKEN_USED');
          const change = token.purpose === 'CHANGE' ? { email: token.email, emailKey: token.emailKey } : {};
          await tx.nativeUpdate(User, { id: user.id }, { ...change, emailVerified: true, updatedAt: now });
          // Links to the old address (verification, a pending change) stop working with the change.
          if (token.purpose === 'CHANGE') await tx.nativeUpdate(EmailToken, { userId: user.id, purpose: { $in: ['VERIFY', 'CHANGE'] }, endedAt: null }, { endedAt: now, endedReason: 'SUPERSEDED' });
        }),
      );
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new EmailTakenError('token');
      throw err;
    }
    Object.assign(user, token.purpose === 'CHANGE' ? { email: token.email, emailKey: token.emailKey } : {}, { emailVerified: true, updatedAt: now });
    if (token.purpose === 'CHANGE') this.events.emit({ type: 'EMAIL_CHANGED', userId: user.id, meta, email: previous.email, previousVerified: previous.verified, newEmail: token.email });
    else this.events.emit({ type: 'EMAIL_VERIFIED', userId: user.id, meta });
    return user;
  }

  /**
   * Always true, and the same work for any address: the shape check, the limits (per address and per client),
   * and one outbox row. The worker looks the address up later and, for an active account, queues the link.
   */
  async requestReset(em: EntityManager, rawEmail: string, meta: ClientMeta): Promise<true> {
    const address = parseEmail(rawEmail);
    this.mailer.assertEnabled();
    await this.limits.mailRequested(address.key, meta.ip);
    const fork = em.fork();
    this.mailer.queueJob(fork, RESET_REQUEST, address.key, { ip: meta.ip, userAgent: meta.userAgent });
    await withRetry(() => fork.flush());
    this.mailer.wake();
    return true;
  }

  /** For a support case (users:manage): the same link, to the account's address; refused on accounts the actor may not manage. */
  async adminReset(em: EntityManager, actor: Actor & { user: User }, userId: string): Promise<true> {
    this.mailer.assertEnabled();
    const user = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.users.get(tx, userId);
        await assertMayActOn(tx, actor, user);
        if (!user.email) throw new BadUserInputError('userId', 'This account has no e-mail address.', 'NO_EMAIL');
        await this.queueReset(tx, user, { byAdmin: true });
        return user;
      }),
    );
    this.mailer.wake();
    this.events.emit({ type: 'PASSWORD_RESET_SENT', userId: user.id, meta: actor.meta, by: actor.user.id });
    return true;
  }

  /**
   * Uses a reset link: the password policy applies, every session and API token of the account ends (on every
   * instance), the address the link went to is verified, and the person is signed in on a new session.
   */
  async reset(em: EntityManager, presented: string, newPassword: string, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    const now = this.clock.now();
    const { token, user } = await findEmailToken(em, presented, ['RESET'], now);
    const next = this.passwords.normalize(newPassword, 'newPassword');
    assertNotGuessable(next, user.username, 'newPassword');
    const passwordHash = await this.passwords.hash(next);
    const verified = token.emailKey === user.emailKey;
    await withRetry(() =>
      em.transactional(async (tx) => {
        if (!(await consumeEmailToken(tx, token, now))) throw new EmailTokenError('TOKEN_USED');
        // Conditional on the hash the token was checked against: a password change racing this one supersedes it.
        const changed = await tx.nativeUpdate(User, { id: user.id, passwordHash: user.passwordHash }, { passwordHash, updatedAt: now, ...(verified ? { emailVerified: true } : {}) });
        if (changed !== 1) throw new EmailTokenError('TOKEN_SUPERSEDED');
        await this.sessions.endAllForUser(tx, user.id, 'PASSWORD_CHANGED');
        await tx.nativeUpdate(ApiToken, { userId: user.id, revokedAt: null }, { revokedAt: now });
        await tx.nativeUpdate(EmailToken, { userId: user.id, purpose: 'RESET', endedAt: null }, { endedAt: now, endedReason: 'SUPERSEDED' });
      }),
    );
    Object.assign(user, { passwordHash, updatedAt: now, ...(verified ? { emailVerified: true } : {}) });
    // Whoever proved control of the address may sign in again at once, lockout or not.
    await this.limits.loginSucceeded(user.username, meta.ip);
    this.events.emit({ type: 'PASSWORD_RESET', userId: user.id, meta });
    // The link proves the mailbox, not the second factor: an account with one gets MFA_REQUIRED, not a session.
    await this.auth.secondFactorGate(em, user, 'pwd');
    return withRetry(() => this.sessions.start(em, user, meta, this.auth.sign, { verifiedHash: passwordHash }, ['pwd'], jkt));
  }

  /**
   * Needs a fresh login and the password. The address changes only when the link sent to the new address is
   * used; the old address (when verified) is told now, and again once the change is made.
   */
  async changeEmail(em: EntityManager, viewer: User, claims: AccessClaims, input: { newEmail: string; currentPassword: string }, meta: ClientMeta): Promise<true> {
    await this.auth.requireStepUp(em, viewer.id, claims);
    const next = parseEmail(input.newEmail, 'newEmail');
    this.mailer.assertEnabled();
    await this.limits.mailRequested(next.key, meta.ip);
    await this.auth.checkCurrentPassword(viewer, claims, this.passwords.normalizeForLogin(input.currentPassword), meta, 'changeEmail');
    if (next.key === viewer.emailKey) throw new BadUserInputError('newEmail', 'That is the address the account has.', 'SAME_EMAIL');
    if (await em.findOne(User, { emailKey: next.key }, { fields: ['id'], disableIdentityMap: true })) throw new EmailTakenError('newEmail');
    await withRetry(() =>
      em.transactional(async (tx) => {
        const now = this.clock.now();
        const token = await issueEmailToken(tx, { user: viewer, purpose: 'CHANGE', email: next.email, emailKey: next.key, now, ttlSeconds: this.cfg.changeTtl });
        this.mailer.queue(tx, 'email-change-confirm', next.email, viewer.id, { username: viewer.username, link: this.link('verify-email', token), expiresIn: inWords(this.cfg.changeTtl), newEmail: next.email });
        if (viewer.email && viewer.emailVerified) this.mailer.queue(tx, 'email-change-requested', viewer.email, viewer.id, { ...this.facts(viewer, meta), newEmail: next.email });
      }),
    );
    this.mailer.wake();
    this.events.emit({ type: 'EMAIL_CHANGE_REQUESTED', userId: viewer.id, sessionId: claims.sid, meta });
    return true;
  }

  private async queueVerification(em: EntityManager, user: User, meta?: ClientMeta): Promise<void> {
    await withRetry(() =>
      em.transactional(async (tx) => {
        const now = this.clock.now();
        const token = await issueEmailToken(tx, { user, purpose: 'VERIFY', email: user.email!, emailKey: user.emailKey!, now, ttlSeconds: this.cfg.verifyTtl });
        this.mailer.queue(tx, 'verify-email', user.email!, user.id, { username: user.username, link: this.link('verify-email', token), expiresIn: inWords(this.cfg.verifyTtl) });
      }),
    );
    this.mailer.wake();
    this.events.emit({ type: 'EMAIL_VERIFICATION_SENT', userId: user.id, meta });
  }

  /** The worker's half of requestPasswordReset, in the transaction that marks the request done. */
  private async resetRequested(tx: EntityManager, payload: OutboxPayload): Promise<(() => void) | void> {
    const user = await tx.findOne(User, { emailKey: payload.to });
    if (!user || !user.isActive) return;
    await this.queueReset(tx, user, {});
    const meta = { ip: (payload.data.ip as string | null) ?? null, userAgent: (payload.data.userAgent as string | null) ?? null };
    return () => this.events.emit({ type: 'PASSWORD_RESET_REQUESTED', userId: user.id, meta });
  }

  private async queueReset(tx: EntityManager, user: User, extra: MailData): Promise<void> {
    const now = this.clock.now();
    const token = await issueEmailToken(tx, { user, purpose: 'RESET', email: user.email!, emailKey: user.emailKey!, now, ttlSeconds: this.cfg.resetTtl });
    this.mailer.queue(tx, 'password-reset', user.email!, user.id, { username: user.username, link: this.link('reset-password', token), expiresIn: inWords(this.cfg.resetTtl), ...extra });
  }

  /** The token rides in the fragment, which browsers never send: not in access logs, not in Referer headers. */
  private link(page: 'verify-email' | 'reset-password', token: string): string {
    return `${this.publicUrl}/app/${page}#token=${token}`;
  }

  private facts(user: User, meta: ClientMeta): MailData {
    return { username: user.username, at: formatAt(this.clock.now()), ip: meta.ip, userAgent: meta.userAgent };
  }
}
