import type { NativeSql } from '../../db/native-sql';
import type { Clock } from '../../lib/clock';
import { UnauthenticatedError } from '../../errors';
import { loadViewer } from '../auth/viewer';
import { loadGrant } from '../access/viewer';
import type { ApiTokenService } from '../access/api-token.service';
import type { SocketInspector } from './live.sockets';

/**
 * The socket check: the same lookups HTTP runs per guarded request (the session's liveness, or the API token's),
 * and the permissions in effect, so a socket can be closed when they shrink.
 */
export function socketInspector(sql: NativeSql, services: { apiTokens: Pick<ApiTokenService, 'authenticate'> }, clock: Clock, idleTtl: number): SocketInspector {
  return async (auth, meta) => {
    try {
      if (auth.apiToken) {
        const { user, token } = await services.apiTokens.authenticate(auth.apiToken.hash, meta);
        return { failure: null, userId: user.id, expiresAt: token.expiresAt.getTime(), permissions: (await loadGrant(sql, user, token)).effective };
      }
      const user = await loadViewer(sql, auth.claims, clock, idleTtl);
      return { failure: null, userId: user.id, expiresAt: auth.claims.exp * 1000, permissions: (await loadGrant(sql, user, null)).effective };
    } catch (err) {
      if (err instanceof UnauthenticatedError) return { failure: err.reason };
      throw err;
    }
  };
}
