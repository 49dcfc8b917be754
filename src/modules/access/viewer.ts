import type { EntityManager } from '@mikro-orm/core';
import { withRetry } from '../../db/retry';
import type { Services } from '../../services';
import type { ClientMeta } from '../session/session.service';
import type { User } from '../user/user.entity';
import type { TokenCredential } from './api-token.service';
import type { PresentedApiToken } from './api-token.secret';
import { makeGrant, type Grant } from './grant';
import { permissionsOf } from './role.service';

/** The viewer behind an API token: its owner, and the token (its scopes narrow the grant). */
export function loadTokenViewer(em: EntityManager, services: Services, presented: PresentedApiToken, meta: ClientMeta): Promise<{ user: User; token: TokenCredential }> {
  return withRetry(() => services.apiTokens.authenticate(em, presented.hash, meta));
}

/** The account's permissions now, narrowed by the token's scopes when the request carries one. */
export async function loadGrant(em: EntityManager, user: Pick<User, 'id' | 'role'>, token: TokenCredential | null): Promise<Grant> {
  return makeGrant(await withRetry(() => permissionsOf(em, user)), token?.scopes ?? null);
}
