import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { withRetry } from '../../db/retry';
import { InvalidMfaCodeError, InvalidMfaTokenError, MfaRequiredError, PasskeyRejectedError } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { RateLimits } from '../auth/rate-limit';
import type { AccessSigner, ClientMeta, IssuedSession, SessionService } from '../session/session.service';
import { User } from '../user/user.entity';
import { amrWith, PASSKEY_ONLY_AMR, type FirstFactor, type SecondFactor } from './amr';
import type { MfaTicket } from './mfa.entities';
import { hasSecondFactor, methodsOf, type MfaService } from './mfa.service';
import { TICKET_TTL, type MfaTickets } from './mfa.tickets';
import type { PasskeyService } from './passkey.service';

const digest = (passwordHash: string) => createHash('sha256').update(passwordHash).digest('hex');

/** Between the first factor and a session: refuses to sign in an account with a second factor, handing back an mfaToken. */
export class MfaGate {
  constructor(private readonly mfa: MfaService, private readonly tickets: MfaTickets) {}

  async required(em: EntityManager, userId: string): Promise<boolean> {
    return hasSecondFactor(await this.mfa.status(em, userId));
  }

  /** Throws MFA_REQUIRED (with the mfaToken and the methods) when the account has a second factor. */
  async afterFirstFactor(em: EntityManager, user: User, first: FirstFactor): Promise<void> {
    const status = await this.mfa.status(em, user.id);
    if (!hasSecondFactor(status)) return;
    const binding = first === 'pwd' ? digest(user.passwordHash) : null;
    const mfaToken = await withRetry(() => this.tickets.issueMfaToken(em, { userId: user.id, firstFactor: first, binding }));
    throw new MfaRequiredError(mfaToken, methodsOf(status), TICKET_TTL);
  }
}

/** The second step of a sign-in (a code or a passkey with the mfaToken), and the passwordless passkey sign-in. */
export class MfaLoginService {
  constructor(
    private readonly mfa: MfaService,
    private readonly passkeys: PasskeyService,
    private readonly tickets: MfaTickets,
    private readonly sessions: SessionService,
    private readonly sign: AccessSigner,
    private readonly limits: RateLimits,
    private readonly audit: AuditService,
    private readonly events: AccountEvents,
  ) {}

  /** A TOTP code or a recovery code; five wrong ones end the mfaToken, and each counts against the login limits. */
  async completeWithCode(em: EntityManager, mfaToken: string, code: string, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    const { ticket, user } = await this.ticketAndUser(em, mfaToken);
    const method = await this.mfa.verifyCode(em, user, code, meta);
    if (!method) {
      const attemptsLeft = await this.tickets.failAttempt(em, ticket);
      this.audit.record({ type: 'MFA_CODE_FAILED', userId: user.id, ...meta, detail: { during: 'completeMfaLogin', attemptsLeft } });
      throw new InvalidMfaCodeError(attemptsLeft);
    }
    return this.finish(em, ticket, user, method, meta, jkt);
  }

  /** Request options as JSON: for the mfaToken's account, or (without one) for any discoverable passkey. */
  async startPasskey(em: EntityManager, mfaToken: string | null | undefined, meta: ClientMeta): Promise<string> {
    if (mfaToken == null) {
      await this.limits.clientLoginAttempt(meta.ip);
      return this.passkeys.authenticationOptions(em, null);
    }
    const { user } = await this.ticketAndUser(em, mfaToken);
    return this.passkeys.authenticationOptions(em, user.id);
  }

  async finishPasskey(em: EntityManager, response: string, mfaToken: string | null | undefined, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    if (mfaToken == null) return this.passwordless(em, response, meta, jkt);
    const { ticket, user } = await this.ticketAndUser(em, mfaToken);
    try {
      await this.passkeys.authenticate(em, response, user.id);
    } catch (err) {
      if (err instanceof PasskeyRejectedError) {
        await this.tickets.failAttempt(em, ticket);
        this.audit.record({ type: 'PASSKEY_REJECTED', userId: user.id, ...meta, detail: { reason: err.reason, during: 'second factor' } });
      }
      throw err;
    }
    return this.finish(em, ticket, user, 'passkey', meta, jkt);
  }

  /** A discoverable passkey with user verification is a sign-in of its own, and counts as multi-factor. */
  private async passwordless(em: EntityManager, response: string, meta: ClientMeta, jkt: string | null): Promise<IssuedSession> {
    await this.limits.clientLoginAttempt(meta.ip);
    let userId: string;
    try {
      userId = (await this.passkeys.authenticate(em, response, null)).userId;
    } catch (err) {
      if (err instanceof PasskeyRejectedError) this.audit.record({ type: 'PASSKEY_REJECTED', ...meta, detail: { reason: err.reason, during: 'passwordless' } });
      throw err;
    }
    const user = await em.findOne(User, { id: userId });
    if (!user || !user.isActive) throw new PasskeyRejectedError('UNKNOWN_CREDENTIAL');
    await this.limits.loginSucceeded(user.username, meta.ip);
    const issued = await withRetry(() => this.sessions.start(em, user, meta, this.sign, undefined, PASSKEY_ONLY_AMR, jkt));
    this.events.emit({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, meta, method: 'passkey' });
    return issued;
  }

  /** The live mfaToken and its active account; a password changed since the first step ends the token. */
  private async ticketAndUser(em: EntityManager, mfaToken: string): Promise<{ ticket: MfaTicket; user: User }> {
    const ticket = await this.tickets.findMfaToken(em, mfaToken);
    const user = ticket?.userId ? await em.findOne(User, { id: ticket.userId }) : null;
    if (!ticket || !user || !user.isActive || (ticket.binding !== null && ticket.binding !== digest(user.passwordHash))) {
      if (ticket) await this.tickets.spend(em, ticket);
      throw new InvalidMfaTokenError();
    }
    return { ticket, user };
  }

  private async finish(em: EntityManager, ticket: MfaTicket, user: User, method: SecondFactor, meta: ClientMeta, jkt: string | null): Promise<IssuedSession> {
    // Spent only now: a wrong code leaves the token for another try, and of two right ones only one signs in.
    if (!(await this.tickets.spend(em, ticket))) throw new InvalidMfaTokenError();
    const first = (ticket.firstFactor === 'fed' ? 'fed' : 'pwd') as FirstFactor;
    const guard = first === 'pwd' ? { verifiedHash: user.passwordHash } : undefined;
    const issued = await withRetry(() => this.sessions.start(em, user, meta, this.sign, guard, amrWith(first, method), jkt));
    this.events.emit({ type: 'LOGIN_SUCCEEDED', userId: user.id, sessionId: issued.session.id, meta, ...(first === 'fed' ? { method: 'oidc' as const } : {}), secondFactor: method });
    return issued;
  }
}
