import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { LoginCode, type LoginCodePurpose } from './login-code.entity';

const PREFIX: Record<LoginCodePurpose, string> = { LOGIN: 'tgc_', LINK: 'tgl_' };
const FORMAT = /^tg[cl]_[A-Za-z0-9_-]{43}$/;
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Single-use secrets bound to a user: one-time login codes and link tickets. Only their SHA-256 is stored. */
export class LoginCodes {
  constructor(private readonly clock: Clock) {}

  async issue(em: EntityManager, init: { purpose: LoginCodePurpose; userId: string; sessionId?: string | null; bindingHash?: string | null; provider: string; ttlSeconds: number }): Promise<{ code: string; expiresAt: Date }> {
    const code = PREFIX[init.purpose] + randomBytes(32).toString('base64url');
    const row = new LoginCode({ ...init, codeHash: hashSecret(code), now: this.clock.now() });
    await em.insert(row);
    return { code, expiresAt: row.expiresAt };
  }

  /** Spends a code: the request whose delete removes the row wins; an expired code is deleted and refused. */
  async consume(em: EntityManager, code: string, purpose: LoginCodePurpose): Promise<LoginCode | null> {
    if (typeof code !== 'string' || !FORMAT.test(code) || !code.startsWith(PREFIX[purpose])) return null;
    const row = await em.findOne(LoginCode, { codeHash: hashSecret(code), purpose }, { disableIdentityMap: true });
    if (!row || (await em.nativeDelete(LoginCode, { id: row.id })) !== 1) return null;
    return row.expiresAt.getTime() > this.clock.now().getTime() ? row : null;
  }

  purge(em: EntityManager): Promise<number> {
    return em.nativeDelete(LoginCode, { expiresAt: { $lt: this.clock.now() } });
  }
}
