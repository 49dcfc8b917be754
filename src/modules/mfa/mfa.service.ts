import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import type { Sealer } from '../../lib/sealer';
import { withRetry } from '../../db/retry';
import { BadUserInputError, InvalidMfaCodeError, NotFoundError } from '../../errors';
import { isUuid } from '../../lib/ids';
import type { AuditService } from '../audit/audit.service';
import type { RateLimits } from '../auth/rate-limit';
import type { ClientMeta } from '../session/session.service';
import type { Actor, UserService } from '../user/user.service';
import type { User } from '../user/user.entity';
import { assertHolds, permissionsOf } from '../access/role.service';
import { Passkey, RecoveryCode, TotpFactor } from './mfa.entities';
import { looksLikeRecoveryCode, newRecoveryCodes, type RecoveryCodeHasher } from './recovery-codes';
import { matchTotp, newTotpSecret, otpauthUri } from './totp';
import type { SecondFactor } from './amr';
import type { AccountEvents } from '../../events';
import './mfa.events';

/** What an account has enrolled. */
export interface MfaStatus {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** The names `User.mfaMethods` and `extensions.methods` use. */
export function methodsOf(status: MfaStatus): SecondFactor[] {
  const methods: SecondFactor[] = [];
  if (status.totp) methods.push('totp');
  if (status.passkeys) methods.push('passkey');
  if (status.recoveryCodesLeft) methods.push('recovery_code');
  return methods;
}

export const hasSecondFactor = (status: MfaStatus): boolean => status.totp || status.passkeys > 0;

/** An account's second factors: TOTP enrolment, the recovery codes, code checks, passkey names, the admin reset. */
export class MfaService {
  constructor(
    private readonly sealer: Sealer,
    private readonly hasher: RecoveryCodeHasher,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
    private readonly audit: AuditService,
    private readonly users: UserService,
    private readonly events: AccountEvents,
  ) {}

  async status(em: EntityManager, userId: string): Promise<MfaStatus> {
    const [totp, passkeys, recoveryCodesLeft] = await Promise.all([
      em.count(TotpFactor, { userId, confirmedAt: { $ne: null } }),
      em.count(Passkey, { userId }),
      em.count(RecoveryCode, { userId, usedAt: null }),
    ]);
    return { totp: totp > 0, passkeys, recoveryCodesLeft };
  }

  /** A new secret, replacing an unconfirmed one; an account with TOTP on must turn it off first. */
  async startTotp(em: EntityManager, viewer: User): Promise<{ secret: string; otpauthUri: string }> {
    const secret = newTotpSecret();
    await withRetry(() =>
      em.transactional(async (tx) => {
        const existing = await tx.findOne(TotpFactor, { userId: viewer.id });
        if (existing?.confirmedAt) throw new BadUserInputError('code', 'TOTP is already on; turn it off first to enrol a new authenticator.', 'TOTP_ALREADY_ENABLED');
        if (existing) tx.remove(existing);
        await tx.flush();
        tx.persist(new TotpFactor(viewer.id, this.sealer.seal(secret), this.clock.now()));
      }),
    );
    return { secret, otpauthUri: otpauthUri(secret, viewer.username) };
  }

  /** The first code turns TOTP on and returns fresh recovery codes (shown this once). */
  async confirmTotp(em: EntityManager, viewer: User, code: string, meta: ClientMeta): Promise<string[]> {
    await this.limits.loginAttempt(viewer.username, meta.ip);
    const pending = await em.findOne(TotpFactor, { userId: viewer.id, confirmedAt: null }, { disableIdentityMap: true });
    if (!pending) throw new BadUserInputError('code', 'Start the enrolment first.', 'NO_PENDING_ENROLLMENT');
    const secret = this.sealer.open(pending.secretSealed);
    const step = secret ? matchTotp(secret, code, this.clock.now()) : null;
    if (step === null) {
      this.audit.record({ type: 'MFA_CODE_FAILED', userId: viewer.id, actorId: viewer.id, ...meta, detail: { during: 'confirmTotpEnrollment' } });
      throw new InvalidMfaCodeError();
    }
    const codes = newRecoveryCodes();
    await withRetry(() =>
      em.transactional(async (tx) => {
        const confirmed = await tx.nativeUpdate(TotpFactor, { userId: viewer.id, confirmedAt: null }, { confirmedAt: this.clock.now(), lastStep: step });
        if (confirmed !== 1) throw new BadUserInputError('code', 'Start the enrolment first.', 'NO_PENDING_ENROLLMENT');
        await this.replaceRecoveryCodes(tx, viewer.id, codes);
      }),
    );
    await this.limits.loginSucceeded(viewer.username, meta.ip);
    this.events.emit({ type: 'MFA_FACTOR_ADDED', userId: viewer.id, meta, method: 'totp' });
    return codes;
  }

  /** Turns TOTP off after a current code or a recovery code; the recovery codes go too when no passkey is left. */
  async disableTotp(em: EntityManager, viewer: User, code: string, meta: ClientMeta): Promise<void> {
    await this.requireCode(em, viewer, code, meta, 'disableTotp');
    await withRetry(() =>
      em.transactional(async (tx) => {
        await tx.nativeDelete(TotpFactor, { userId: viewer.id });
        if ((await tx.count(Passkey, { userId: viewer.id })) === 0) await tx.nativeDelete(RecoveryCode, { userId: viewer.id });
      }),
    );
    this.events.emit({ type: 'MFA_FACTOR_REMOVED', userId: viewer.id, meta, method: 'totp' });
  }

  /** Ten new recovery codes, after a current TOTP code or a recovery code; the old ones stop working. */
  async regenerateRecoveryCodes(em: EntityManager, viewer: User, code: string, meta: ClientMeta): Promise<string[]> {
    await this.requireCode(em, viewer, code, meta, 'regenerateRecoveryCodes');
    const codes = newRecoveryCodes();
    await withRetry(() => em.transactional((tx) => this.replaceRecoveryCodes(tx, viewer.id, codes)));
    this.events.emit({ type: 'RECOVERY_CODES_REGENERATED', userId: viewer.id, meta });
    return codes;
  }

  /**
   * Checks a TOTP code (once per time step, one step of drift) or spends a recovery code. Each check counts
   * against the account's login limits, and a good one clears them, like a password. Null when it fails.
   */
  async verifyCode(em: EntityManager, user: Pick<User, 'id' | 'username'>, code: string, meta: ClientMeta): Promise<SecondFactor | null> {
    await this.limits.loginAttempt(user.username, meta.ip);
    const method = typeof code === 'string' && code.length <= 64 ? await this.tryTotp(em, user.id, code) ?? (await this.tryRecoveryCode(em, user.id, code)) : null;
    if (!method) return null;
    await this.limits.loginSucceeded(user.username, meta.ip);
    if (method === 'recovery_code') {
      this.events.emit({ type: 'RECOVERY_CODE_USED', userId: user.id, meta, left: await em.count(RecoveryCode, { userId: user.id, usedAt: null }) });
    }
    return method;
  }

  /** Audits and announces a passkey that PasskeyService just stored. */
  passkeyAdded(userId: string, passkey: Passkey, meta: ClientMeta): void {
    this.events.emit({ type: 'MFA_FACTOR_ADDED', userId, meta, method: 'passkey', passkeyId: passkey.id });
  }

  listPasskeys(em: EntityManager, userId: string): Promise<Passkey[]> {
    return em.find(Passkey, { userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async renamePasskey(em: EntityManager, viewer: User, id: string, name: string): Promise<Passkey> {
    const passkey = await this.ownPasskey(em, viewer.id, id);
    passkey.name = passkeyName(name);
    await em.flush();
    return passkey;
  }

  async deletePasskey(em: EntityManager, viewer: User, id: string, meta: ClientMeta): Promise<void> {
    const passkey = await this.ownPasskey(em, viewer.id, id);
    await withRetry(() =>
      em.transactional(async (tx) => {
        await tx.nativeDelete(Passkey, { id: passkey.id });
        const totp = await tx.count(TotpFactor, { userId: viewer.id, confirmedAt: { $ne: null } });
        if (!totp && (await tx.count(Passkey, { userId: viewer.id })) === 0) await tx.nativeDelete(RecoveryCode, { userId: viewer.id });
      }),
    );
    em.getUnitOfWork().unsetIdentity(passkey);
    this.events.emit({ type: 'MFA_FACTOR_REMOVED', userId: viewer.id, meta, method: 'passkey', passkeyId: passkey.id });
  }

  /**
   * users:manage takes every second factor off an account (the person lost them all). The actor must hold
   * each of the account's permissions, the rule setUserActive applies.
   */
  async reset(em: EntityManager, actor: Actor, userId: string): Promise<User> {
    const user = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.users.get(tx, userId);
        if (actor.user) assertHolds(actor, await permissionsOf(tx, user));
        await tx.nativeDelete(TotpFactor, { userId: user.id });
        await tx.nativeDelete(RecoveryCode, { userId: user.id });
        await tx.nativeDelete(Passkey, { userId: user.id });
        return user;
      }),
    );
    this.events.emit({ type: 'MFA_RESET', userId: user.id, meta: actor.meta, by: actor.user?.id ?? 'cli' });
    return user;
  }

  private async requireCode(em: EntityManager, viewer: User, code: string, meta: ClientMeta, during: string): Promise<void> {
    if (!(await this.verifyCode(em, viewer, code, meta))) {
      this.audit.record({ type: 'MFA_CODE_FAILED', userId: viewer.id, actorId: viewer.id, ...meta, detail: { during } });
      throw new InvalidMfaCodeError();
    }
  }

  private async tryTotp(em: EntityManager, userId: string, code: string): Promise<'totp' | null> {
    const factor = await em.findOne(TotpFactor, { userId, confirmedAt: { $ne: null } }, { disableIdentityMap: true });
    const secret = factor ? this.sealer.open(factor.secretSealed) : null;
    const step = secret ? matchTotp(secret, code, this.clock.now()) : null;
    if (step === null || step <= factor!.lastStep) return null;
    // Compare-and-set on the step: of two requests with one code (on any instance), one wins.
    const won = await em.nativeUpdate(TotpFactor, { userId, lastStep: { $lt: step } }, { lastStep: step });
    return won === 1 ? 'totp' : null;
  }

  private async tryRecoveryCode(em: EntityManager, userId: string, code: string): Promise<'recovery_code' | null> {
    if (!looksLikeRecoveryCode(code)) return null;
    const used = await em.nativeUpdate(RecoveryCode, { userId, codeHash: this.hasher.hash(code), usedAt: null }, { usedAt: this.clock.now() });
    return used === 1 ? 'recovery_code' : null;
  }

  private async replaceRecoveryCodes(tx: EntityManager, userId: string, codes: string[]): Promise<void> {
    await tx.nativeDelete(RecoveryCode, { userId });
    const now = this.clock.now();
    tx.persist(codes.map((c) => new RecoveryCode(userId, this.hasher.hash(c), now)));
    await tx.flush();
  }

  private async ownPasskey(em: EntityManager, userId: string, id: string): Promise<Passkey> {
    const passkey = isUuid(id) ? await em.findOne(Passkey, { id, userId }) : null;
    if (!passkey) throw new NotFoundError('Passkey', 'id');
    return passkey;
  }
}

/** 1 to 64 characters after trimming. */
export function passkeyName(name: string | null | undefined, fallback?: string): string {
  const trimmed = (name ?? '').trim();
  if (!trimmed && fallback) return fallback;
  if (!trimmed || [...trimmed].length > 64) throw new BadUserInputError('name', 'A passkey name is 1 to 64 characters.');
  return trimmed;
}
