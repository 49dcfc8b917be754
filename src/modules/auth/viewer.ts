import type { Clock } from '../../lib/clock';
import { UnauthenticatedError } from '../../errors';
import { statement, toDate, type NativeSql } from '../../db/native-sql';
import { USER_COLUMNS, userFromRow, type UserRow } from '../user/user.row';
import type { User } from '../user/user.entity';
import { withinLifetime } from '../session/session.entity';
import type { AccessClaims } from './token.service';

// One round trip for the hot path: the user and the liveness of the token's session together.
const VIEWER = statement(
  'tg_viewer',
  `select ${USER_COLUMNS}, s.user_id as session_user_id, s.revoked_at as session_revoked_at,
  s.expires_at as session_expires_at, s.last_used_at as session_last_used_at
  from users u left join sessions s on s.id = ? where u.id = ?`,
);

type ViewerRow = UserRow & {
  session_user_id: string | null;
  session_revoked_at: unknown;
  session_expires_at: unknown;
  session_last_used_at: unknown;
};

/** Loads the user behind verified claims and checks that the token's session is still live. */
export async function loadViewer(sql: NativeSql, claims: AccessClaims, clock: Clock, idleTtlSeconds: number): Promise<User> {
  const row = await sql.get<ViewerRow>(VIEWER, [claims.sid, claims.sub]);
  if (!row) throw new UnauthenticatedError('TOKEN_REVOKED');
  const user = userFromRow(row);
  if (!user.isActive) throw new UnauthenticatedError('ACCOUNT_DISABLED');
  if (row.session_user_id !== user.id || row.session_revoked_at != null) throw new UnauthenticatedError('TOKEN_REVOKED');
  const lifetime = { expiresAt: toDate(row.session_expires_at), lastUsedAt: toDate(row.session_last_used_at) };
  if (!withinLifetime(lifetime, idleTtlSeconds, clock.now())) throw new UnauthenticatedError('TOKEN_EXPIRED');
  return user;
}
