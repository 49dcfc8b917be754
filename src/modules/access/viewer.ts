import { withRetry } from '../../db/retry';
import type { NativeSql, Statement } from '../../db/native-sql';
import type { Services } from '../../services';
import type { ClientMeta } from '../session/session.service';
import type { User } from '../user/user.entity';
import type { TokenCredential } from './api-token.service';
import type { PresentedApiToken } from './api-token.secret';
import { makeGrant, type Grant } from './grant';
import { ALL_PERMISSIONS, splitScopes, type Permission } from './permissions';

// What an account's custom roles allow, as one row (a prepared statement, like the viewer check): duplicates are fine.
const FROM = 'from user_roles ur join role_permissions rp on rp.role = ur.role where ur.user_id =';
const PERMISSIONS: Statement = {
  name: 'tg_permissions',
  sql: `select group_concat(rp.permission, ' ') as permissions ${FROM} ?`,
  pgSql: `select string_agg(rp.permission, ' ') as permissions ${FROM} $1`,
};

/** The viewer behind an API token: its owner (a detached snapshot), and the token (its scopes narrow the grant). */
export function loadTokenViewer(services: Services, presented: PresentedApiToken, meta: ClientMeta): Promise<{ user: User; token: TokenCredential }> {
  return withRetry(() => services.apiTokens.authenticate(presented.hash, meta));
}

/** An account's permissions now: all for an admin (no query), else its custom roles'. */
export async function currentPermissions(sql: NativeSql, user: Pick<User, 'id' | 'role'>): Promise<Permission[]> {
  if (user.role === 'ADMIN') return [...ALL_PERMISSIONS];
  const row = await withRetry(() => sql.get<{ permissions: string | null }>(PERMISSIONS, [user.id]));
  return splitScopes(row?.permissions);
}

/** The account's permissions now, narrowed by the token's scopes when the request carries one. */
export async function loadGrant(sql: NativeSql, user: Pick<User, 'id' | 'role'>, token: TokenCredential | null): Promise<Grant> {
  return makeGrant(await currentPermissions(sql, user), token?.scopes ?? null, token ? token.secondFactor : null);
}
