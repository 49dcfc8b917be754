import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { UnauthenticatedError } from '../../errors';
import { Session } from '../session/session.entity';
import { User } from '../user/user.entity';
import type { AccessClaims } from './token.service';

/** Loads the user behind verified claims and checks that the token's session is still live. */
export async function loadViewer(em: EntityManager, claims: AccessClaims, clock: Clock): Promise<User> {
  const [user, session] = await Promise.all([
    em.findOne(User, { id: claims.sub }),
    em.findOne(Session, { id: claims.sid }),
  ]);
  if (!user) throw new UnauthenticatedError('TOKEN_REVOKED');
  if (!user.isActive) throw new UnauthenticatedError('ACCOUNT_DISABLED');
  if (!session || session.userId !== user.id || session.revokedAt || session.expiresAt <= clock.now()) {
    throw new UnauthenticatedError('TOKEN_REVOKED');
  }
  return user;
}
