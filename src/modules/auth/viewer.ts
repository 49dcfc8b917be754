import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { UnauthenticatedError } from '../../errors';
import { User } from '../user/user.entity';
import { withinLifetime } from '../session/session.entity';
import type { AccessClaims } from './token.service';

// One round trip for the hot path: the user and the liveness of the token's session together.
const VIEWER_SQL = `select u.*, s.user_id as session_user_id, s.revoked_at as session_revoked_at, s.expires_at as session_expires_at,
  s.last_used_at as session_last_used_at
  from users u left join sessions s on s.id = ? where u.id = ?`;

type ViewerRow = Record<string, unknown> & {
  session_user_id: string | null;
  session_revoked_at: unknown;
  session_expires_at: unknown;
  session_last_used_at: unknown;
};

/** Loads the user behind verified claims and checks that the token's session is still live. */
export async function loadViewer(em: EntityManager, claims: AccessClaims, clock: Clock, idleTtlSeconds: number): Promise<User> {
  const row = await em.getConnection().execute<ViewerRow>(VIEWER_SQL, [claims.sid, claims.sub], 'get');
  if (!row) throw new UnauthenticatedError('TOKEN_REVOKED');
  const { session_user_id: owner, session_revoked_at: revokedAt, session_expires_at: expiresAt, session_last_used_at: lastUsedAt, ...columns } = row;
  const user = em.map(User, columns);
  if (!user.isActive) throw new UnauthenticatedError('ACCOUNT_DISABLED');
  if (owner !== user.id || revokedAt != null) throw new UnauthenticatedError('TOKEN_REVOKED');
  // SQLite returns epoch milliseconds, PostgreSQL a Date: new Date() reads both.
  const lifetime = { expiresAt: new Date(expiresAt as number | Date), lastUsedAt: new Date(lastUsedAt as number | Date) };
  if (!withinLifetime(lifetime, idleTtlSeconds, clock.now())) throw new UnauthenticatedError('TOKEN_EXPIRED');
  return user;
}
