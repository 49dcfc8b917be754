import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { EmailTokenError } from '../../errors';
import { User } from '../user/user.entity';
import { EmailToken, type EmailTokenPurpose } from './email-token.entity';

const PREFIX = 'tge_';
const FORMAT = /^tge_[A-Za-z0-9_-]{43}$/;
export const hashEmailToken = (token: string): string => createHash('sha256').update(token).digest('hex');
/** 256 random bits; only the hash is stored. */
export const newEmailToken = (): string => PREFIX + randomBytes(32).toString('base64url');
/** Any password change (changePassword, a reset, the CLI, a first password) changes this, superseding older links. */
export const passwordTagOf = (passwordHash: string): string => createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);

/** Issues a token after ending the account's older live tokens of that purpose (a newer request supersedes them). */
export async function issueEmailToken(
  tx: EntityManager,
  init: { user: User; purpose: EmailTokenPurpose; email: string; emailKey: string; now: Date; ttlSeconds: number },
): Promise<string> {
  const token = newEmailToken();
  await tx.nativeUpdate(EmailToken, { userId: init.user.id, purpose: init.purpose, endedAt: null }, { endedAt: init.now, endedReason: 'SUPERSEDED' });
  tx.persist(new EmailToken({ ...init, userId: init.user.id, tokenHash: hashEmailToken(token), passwordTag: passwordTagOf(init.user.passwordHash) }));
  return token;
}

/**
 * The live token of `purpose` and its account, or the reason it is refused: unknown or malformed (TOKEN_INVALID),
 * used, superseded (a newer link, or a password change since), expired. Consuming it is the caller's
 * conditional update, so two uses racing each other cannot both win.
 */
export async function findEmailToken(em: EntityManager, presented: unknown, purposes: EmailTokenPurpose[], now: Date): Promise<{ token: EmailToken; user: User }> {
  if (typeof presented !== 'string' || !FORMAT.test(presented)) throw new EmailTokenError('TOKEN_INVALID');
  const token = await em.findOne(EmailToken, { tokenHash: hashEmailToken(presented) });
  if (!token || !purposes.includes(token.purpose)) throw new EmailTokenError('TOKEN_INVALID');
  if (token.endedReason === 'USED') throw new EmailTokenError('TOKEN_USED');
  if (token.endedReason === 'SUPERSEDED') throw new EmailTokenError('TOKEN_SUPERSEDED');
  const user = await em.findOne(User, { id: token.userId });
  if (!user || !user.isActive) throw new EmailTokenError('TOKEN_INVALID');
  if (passwordTagOf(user.passwordHash) !== token.passwordTag) throw new EmailTokenError('TOKEN_SUPERSEDED');
  if (token.expiresAt.getTime() <= now.getTime()) throw new EmailTokenError('TOKEN_EXPIRED');
  return { token, user };
}

/** Marks the token used; false when a racing request used it first. */
export async function consumeEmailToken(tx: EntityManager, token: EmailToken, now: Date): Promise<boolean> {
  return (await tx.nativeUpdate(EmailToken, { id: token.id, endedAt: null }, { endedAt: now, endedReason: 'USED' })) === 1;
}
