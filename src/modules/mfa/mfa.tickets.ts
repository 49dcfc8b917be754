import { createHash, randomBytes } from 'node:crypto';
import { raw, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { MfaTicket, type MfaTicketKind } from './mfa.entities';

/** mfaTokens and WebAuthn challenges live five minutes. */
export const TICKET_TTL = 300;
/** Wrong codes an mfaToken survives; the fifth ends it. */
export const MAX_CODE_ATTEMPTS = 5;

const TOKEN_PREFIX = 'tgm_';
const TOKEN_FORMAT = /^tgm_[A-Za-z0-9_-]{43}$/;
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Short-lived single-use secrets in the database, so every instance sees them: issuing inserts a row keyed by
 * the secret's SHA-256, spending deletes it (the request whose delete removes the row wins).
 */
export class MfaTickets {
  constructor(private readonly clock: Clock) {}

  /** An opaque mfaToken bound to the account, its first factor and (after a password) a digest of the verified hash. */
  async issueMfaToken(em: EntityManager, init: { userId: string; firstFactor: string; binding: string | null }): Promise<string> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.insert(em, 'MFA_TOKEN', token, init);
    return token;
  }

  /** Stores a WebAuthn challenge (already random, from the options) for one ceremony. */
  async issueChallenge(em: EntityManager, kind: 'REGISTRATION' | 'AUTHENTICATION', challenge: string, userId: string | null): Promise<void> {
    await this.insert(em, kind, challenge, { userId, firstFactor: null, binding: null });
  }

  /** The live mfaToken, without spending it (a wrong code only counts against it). */
  async findMfaToken(em: EntityManager, token: string): Promise<MfaTicket | null> {
    if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return null;
    const row = await em.findOne(MfaTicket, { secretHash: hash(token), kind: 'MFA_TOKEN' }, { disableIdentityMap: true });
    return row && this.live(row) ? row : null;
  }

  /** Spends a ticket; false when another request spent it first. */
  async spend(em: EntityManager, row: MfaTicket): Promise<boolean> {
    return (await em.nativeDelete(MfaTicket, { id: row.id })) === 1;
  }

  /** Spends a challenge by its value; null when it is unknown, of another kind, already spent or expired. */
  async spendChallenge(em: EntityManager, kind: 'REGISTRATION' | 'AUTHENTICATION', challenge: string): Promise<MfaTicket | null> {
    if (typeof challenge !== 'string' || challenge.length > 200) return null;
    const row = await em.findOne(MfaTicket, { secretHash: hash(challenge), kind }, { disableIdentityMap: true });
    if (!row || !(await this.spend(em, row))) return null;
    return this.live(row) ? row : null;
  }

  /** Counts a wrong code; the fifth ends the ticket. Returns the attempts left. */
  async failAttempt(em: EntityManager, row: MfaTicket): Promise<number> {
    // One statement, so two instances counting at once both count.
    await em.nativeUpdate(MfaTicket, { id: row.id }, { attempts: raw('attempts + 1') });
    const now = await em.findOne(MfaTicket, { id: row.id }, { disableIdentityMap: true, fields: ['attempts'] });
    const attempts = now?.attempts ?? MAX_CODE_ATTEMPTS;
    if (attempts >= MAX_CODE_ATTEMPTS) await em.nativeDelete(MfaTicket, { id: row.id });
    return Math.max(0, MAX_CODE_ATTEMPTS - attempts);
  }

  private live(row: MfaTicket): boolean {
    return row.expiresAt.getTime() > this.clock.now().getTime() && row.attempts < MAX_CODE_ATTEMPTS;
  }

  private async insert(em: EntityManager, kind: MfaTicketKind, secret: string, init: { userId: string | null; firstFactor: string | null; binding: string | null }): Promise<void> {
    const now = this.clock.now();
    // Expired tickets go as new ones come: the table stays the size of five minutes of sign-ins.
    await em.nativeDelete(MfaTicket, { expiresAt: { $lt: now } });
    const row = Object.assign(new MfaTicket(), { kind, secretHash: hash(secret), ...init, createdAt: now, expiresAt: new Date(now.getTime() + TICKET_TTL * 1000) });
    await em.insert(row);
  }
}
