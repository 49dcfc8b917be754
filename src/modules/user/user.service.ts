import { LockMode, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { checkFirst, decodeCursor } from '../../lib/pagination';
import { BadUserInputError, LastAdminError, NotFoundError, UnauthenticatedError } from '../../errors';
import type { ClientMeta, SessionService } from '../session/session.service';
import { withRetry } from '../../db/retry';
import type { AccountEvents } from '../../events';
import type { ManagerGuard } from '../access/managers';
import { assertHolds, permissionsOf } from '../access/role.service';
import { ApiToken } from '../access/api-token.entity';
import { User } from './user.entity';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
export const USER_CURSOR = 'user';

/**
 * Who is acting: an account through the API, with the permissions in effect on its request (needed by
 * operations that check them, such as role changes), or the operator's CLI (user null).
 */
export interface Actor {
  user: User | null;
  meta: ClientMeta;
  permissions?: ReadonlySet<string>;
}

export interface UserPage {
  users: User[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Account lookup and the admin lifecycle: activation and roles. */
export class UserService {
  constructor(
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly events: AccountEvents,
    private readonly managers: ManagerGuard,
  ) {}

  validateUsername(username: string): string {
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      throw new BadUserInputError('username', 'Username must be 3 to 32 characters: letters, digits, "_", "." or "-".');
    }
    return username;
  }

  findByUsername(em: EntityManager, username: string): Promise<User | null> {
    if (username.length > 32) return Promise.resolve(null);
    return em.findOne(User, { usernameKey: User.keyOf(username) });
  }

  async get(em: EntityManager, id: string): Promise<User> {
    const user = isUuid(id) ? await em.findOne(User, { id }) : null;
    if (!user) throw new NotFoundError('User', 'userId');
    return user;
  }

  async page(em: EntityManager, first: number, after: string | null | undefined): Promise<UserPage> {
    checkFirst(first);
    const afterId = after == null ? null : decodeCursor(USER_CURSOR, after);
    const where = afterId ? { id: { $gt: afterId } } : {};
    const [rows, totalCount] = await Promise.all([
      em.find(User, where, { orderBy: { id: 'asc' }, limit: first + 1 }),
      em.count(User),
    ]);
    return { users: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }

  /**
   * Deactivation ends every session and revokes every API token at once; activation restores login only.
   * Through the API, the actor must hold each of the account's permissions (a support desk with
   * users:manage cannot switch off an admin), and the last active admin cannot be deactivated.
   */
  async setActive(em: EntityManager, actor: Actor, id: string, active: boolean): Promise<User> {
    const { user, changed } = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.get(tx, id);
        if (actor.user) assertHolds(actor, await permissionsOf(tx, user));
        if (user.isActive === active) return { user, changed: false };
        const change = async () => {
          Object.assign(user, { isActive: active, updatedAt: this.clock.now() });
          await tx.flush();
          if (!active) {
            await this.sessions.endAllForUser(tx, user.id, 'DEACTIVATED');
            // Like its sessions, its API tokens end for good: reactivation restores login only.
            await tx.nativeUpdate(ApiToken, { userId: user.id, revokedAt: null }, { revokedAt: this.clock.now() });
          }
        };
        if (actor.user && !active) await this.managers.keep(tx, change, () => lastAdmin(actor.user!, user));
        else await change();
        return { user, changed: true };
      }),
    );
    if (changed) {
      this.events.emit({ type: active ? 'USER_ACTIVATED' : 'USER_DEACTIVATED', userId: user.id, meta: actor.meta, by: actor.user?.id ?? 'cli' });
    }
    return user;
  }

  /**
   * Deletes the account in one transaction: the user row goes, and with it (ON DELETE CASCADE) its sessions,
   * refresh tokens, API tokens, roles, cart and wishlists, so every credential of the account stops at once.
   * Audit events have no foreign key and keep the user id. The last active admin cannot delete themself.
   */
  async deleteAccount(em: EntityManager, id: string): Promise<void> {
    await withRetry(() =>
      em.fork().transactional(async (tx) => {
        const user = await tx.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!user) throw new UnauthenticatedError('TOKEN_REVOKED'); // deleted by a request racing this one
        await this.managers.keep(tx, async () => void (await tx.nativeDelete(User, { id })), () => new LastAdminError());
      }),
    );
    this.sessions.announce(id);
  }
}

/** Keeps API callers from locking everyone out; the operator's CLI may. */
function lastAdmin(actor: User, target: User): BadUserInputError {
  const who = target.id === actor.id ? 'You are' : 'This is';
  return new BadUserInputError('userId', `${who} the last active admin (or the last who can manage roles); promote another admin first.`, 'LAST_ADMIN');
}
