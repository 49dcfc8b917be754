import { LockMode, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { checkFirst, decodeCursor } from '../../lib/pagination';
import { BadUserInputError, LastAdminError, NotFoundError, UnauthenticatedError } from '../../errors';
import type { ClientMeta, SessionService } from '../session/session.service';
import type { RevokeReason } from '../session/session.entity';
import { withRetry } from '../../db/retry';
import type { AuditService } from '../audit/audit.service';
import { User, type Role } from './user.entity';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
export const USER_CURSOR = 'user';

/** Who is acting: an admin through the API, or the operator's CLI (user null). */
export interface Actor {
  user: User | null;
  meta: ClientMeta;
}

export interface UserPage {
  users: User[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Account lookup and the admin lifecycle: activation and roles. */
export class UserService {
  constructor(private readonly sessions: SessionService, private readonly clock: Clock, private readonly audit: AuditService) {}

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

  /** Deactivation ends every session at once; activation restores login only. */
  async setActive(em: EntityManager, actor: Actor, id: string, active: boolean): Promise<User> {
    const { user, before } = await this.change(em, actor, id, { isActive: active }, active ? null : 'DEACTIVATED');
    if (before.isActive !== active) {
      this.audit.record({ type: active ? 'USER_ACTIVATED' : 'USER_DEACTIVATED', userId: user.id, ...actor.meta, detail: { by: actor.user?.id ?? 'cli' } });
    }
    return user;
  }

  /** A role change ends the user's sessions, so no token outlives the role it was issued under. */
  async setRole(em: EntityManager, actor: Actor, id: string, role: Role): Promise<User> {
    const { user, before } = await this.change(em, actor, id, { role }, 'ROLE_CHANGED');
    if (before.role !== role) {
      this.audit.record({ type: 'ROLE_CHANGED', userId: user.id, ...actor.meta, detail: { from: before.role, to: role, by: actor.user?.id ?? 'cli' } });
    }
    return user;
  }

  /**
   * Deletes the account in one transaction: the user row goes, and with it (ON DELETE CASCADE) its sessions,
   * refresh tokens, cart and wishlists, so every token of the account stops at once. Audit events have no
   * foreign key and keep the user id. The last active admin cannot delete themself.
   */
  async deleteAccount(em: EntityManager, id: string): Promise<void> {
    await withRetry(() =>
      em.fork().transactional(async (tx) => {
        const user = await tx.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!user) throw new UnauthenticatedError('TOKEN_REVOKED'); // deleted by a request racing this one
        if (user.role === 'ADMIN' && user.isActive && (await this.isLastActiveAdmin(tx))) throw new LastAdminError();
        await tx.nativeDelete(User, { id });
      }),
    );
    this.sessions.announce(id);
  }

  /**
   * Reads, checks and writes in one retried transaction; the active admins are row-locked (PostgreSQL)
   * so two admins demoting each other cannot both pass the last-admin check.
   */
  private async change(em: EntityManager, actor: Actor, id: string, changes: { isActive?: boolean; role?: Role }, endSessions: RevokeReason | null) {
    const result = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.get(tx, id);
        const before = { isActive: user.isActive, role: user.role };
        const after = { ...before, ...changes };
        if (after.isActive === before.isActive && after.role === before.role) return { user, before };
        const losesAdmin = before.role === 'ADMIN' && before.isActive && (after.role !== 'ADMIN' || !after.isActive);
        if (losesAdmin && actor.user) await this.assertNotLastAdmin(tx, actor.user, user);
        Object.assign(user, changes, { updatedAt: this.clock.now() });
        if (endSessions) await this.sessions.endAllForUser(tx, user.id, endSessions);
        return { user, before };
      }),
    );
    if (endSessions) this.sessions.announce(result.user.id);
    return result;
  }

  /** Keeps API callers from locking everyone out; the operator's CLI may. */
  private async assertNotLastAdmin(tx: EntityManager, actor: User, target: User): Promise<void> {
    if (await this.isLastActiveAdmin(tx)) {
      const who = target.id === actor.id ? 'You are' : 'This is';
      throw new BadUserInputError('userId', `${who} the last active admin; promote another admin first.`, 'LAST_ADMIN');
    }
  }

  /** Locks the active admins (PostgreSQL), so two of them stepping down at once cannot both pass. */
  private async isLastActiveAdmin(tx: EntityManager): Promise<boolean> {
    const admins = await tx.find(User, { role: 'ADMIN', isActive: true }, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_WRITE });
    return admins.length <= 1;
  }
}
