import type { EntityManager } from '@mikro-orm/core';
import { ForbiddenError } from '../../errors';
import { User } from '../user/user.entity';
import { ALL_PERMISSIONS, ordered, type Permission } from './permissions';
import { permissionsOf } from './role.service';

/** Who acts: an account with the permissions in effect on its request, or the operator's CLI (user null). */
export interface ActingAccount {
  user: Pick<User, 'id'> | null;
  permissions?: ReadonlySet<string>;
}

/** The account acted on: the row itself, or its id (loaded here). */
export type TargetAccount = Pick<User, 'id' | 'role'> | string;

/**
 * The first permission (catalogue order) that `target` holds and the actor does not, or null. The rule behind
 * every action on another account and every read of what it owns (setUserActive, sessions, API tokens, carts,
 * wishlists; password-reset mails and second-factor resets next): a narrower role never reaches a wider one.
 * An account that no longer exists holds nothing. The operator's CLI holds everything.
 */
export async function permissionNotHeld(em: EntityManager, actor: ActingAccount, target: TargetAccount): Promise<Permission | null> {
  if (!actor.user) return null;
  if (!actor.permissions) throw new Error('permissionNotHeld: an API actor without permissions');
  // Holding everything, the actor lacks nothing: no need to read the account's roles.
  if (ALL_PERMISSIONS.every((p) => actor.permissions!.has(p))) return null;
  const account = typeof target === 'string' ? await em.findOne(User, { id: target }, { fields: ['id', 'role'], disableIdentityMap: true }) : target;
  if (!account) return null;
  return ordered(await permissionsOf(em, account)).find((p) => !actor.permissions!.has(p)) ?? null;
}

/** permissionNotHeld as a guard: FORBIDDEN, reason PERMISSION_NOT_HELD, `missing` naming the permission. */
export async function assertMayActOn(em: EntityManager, actor: ActingAccount, target: TargetAccount): Promise<void> {
  const missing = await permissionNotHeld(em, actor, target);
  if (missing) throw new ForbiddenError('PERMISSION_NOT_HELD', missing);
}
