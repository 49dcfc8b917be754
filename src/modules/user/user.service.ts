import { LockMode, raw, type EntityManager, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { checkFirst, encodeCursor } from '../../lib/pagination';
import { containsPattern, nameKey } from '../../lib/text';
import { BadUserInputError, LastAdminError, NotFoundError, UnauthenticatedError } from '../../errors';
import type { ClientMeta, SessionService } from '../session/session.service';
import { withRetry } from '../../db/retry';
import type { AccountEvents } from '../../events';
import type { ManagerGuard } from '../access/managers';
import { assertMayActOn } from '../access/account-guard';
import { ApiToken } from '../access/api-token.entity';
import { emailKeyOf } from '../email/email.address';
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
  /** The order the page is in: its cursors carry a position in it. */
  order: UserOrder;
}

export type UserOrder = 'CREATED_ASC' | 'CREATED_DESC' | 'LAST_SIGN_IN_DESC';
const SEARCH_MAX = 100;

/**
 * Cursors per order, refused by another: CREATED_ASC keeps today's "user:<id>", CREATED_DESC is "user-desc:<id>",
 * LAST_SIGN_IN_DESC is "user-signin:<id>" followed by ".<epoch ms>" while the position is among signed-in accounts.
 */
const CURSOR_KIND: Record<UserOrder, string> = { CREATED_ASC: USER_CURSOR, CREATED_DESC: 'user-desc', LAST_SIGN_IN_DESC: 'user-signin' };

export function encodeUserCursor(order: UserOrder, user: Pick<User, 'id' | 'lastSignInAt'>): string {
  const at = order === 'LAST_SIGN_IN_DESC' && user.lastSignInAt ? `.${user.lastSignInAt.getTime()}` : '';
  return encodeCursor(CURSOR_KIND[order], user.id + at);
}

function decodeUserCursor(order: UserOrder, cursor: string): { id: string; at: Date | null } {
  const decoded = /^[A-Za-z0-9_-]{1,120}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const prefix = `${CURSOR_KIND[order]}:`;
  const [id = '', ms, ...rest] = decoded.startsWith(prefix) ? decoded.slice(prefix.length).split('.') : [];
  // A sign-in time within the years a DateTime can hold (PostgreSQL refuses the rest as a driver error).
  const at = ms !== undefined && /^\d{1,15}$/.test(ms) && Number(ms) <= 253_402_300_799_999 ? new Date(Number(ms)) : null;
  if (!isUuid(id) || rest.length || (ms !== undefined && !at) || (at && order !== 'LAST_SIGN_IN_DESC')) throw new BadUserInputError('after', 'after is not a cursor from this list in this order.');
  return { id, at };
}

/**
 * Username or e-mail address containing the text, in any case; LIKE's wildcards in it are matched as themselves.
 * A fresh condition per query: the ORM consumes a raw key when it renders it.
 */
function searchFilter(search: string | null | undefined): (() => FilterQuery<User>) | null {
  // Keys are stored NFC and lower-cased: a search typed in decomposed form finds them too.
  const text = (search ?? '').normalize('NFC').trim();
  if (!text) return null;
  if (text.length > SEARCH_MAX) throw new BadUserInputError('search', `search is at most ${SEARCH_MAX} characters.`);
  const pattern = containsPattern(nameKey(text));
  // An explicit ESCAPE: SQLite's LIKE has no default escape character.
  return () => ({ [raw(`(username_key like ? escape '\\' or email_key like ? escape '\\')`, [pattern, pattern])]: [] });
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
      throw new BadUserInputError('username', 'Username must be 3 to 32 characters: ASCII letters (a–z, A–Z), digits, "_", "." or "-".');
    }
    return username;
  }

  findByUsername(em: EntityManager, username: string): Promise<User | null> {
    if (username.length > 32) return Promise.resolve(null);
    return em.findOne(User, { usernameKey: User.keyOf(username) });
  }

  /** What login accepts as the name: the username, or the account's verified e-mail address. */
  findForLogin(em: EntityManager, name: string): Promise<User | null> {
    if (!name.includes('@')) return this.findByUsername(em, name);
    const emailKey = emailKeyOf(name);
    return emailKey ? em.findOne(User, { emailKey, emailVerified: true }) : Promise.resolve(null);
  }

  async get(em: EntityManager, id: string): Promise<User> {
    const user = isUuid(id) ? await em.findOne(User, { id }) : null;
    if (!user) throw new NotFoundError('User', 'userId');
    return user;
  }

  /** One account, or null when there is none (user(id)). */
  find(em: EntityManager, id: string): Promise<User | null> {
    return isUuid(id) ? em.findOne(User, { id }) : Promise.resolve(null);
  }

  /**
   * A page in one order, keyset-paged: the cursor carries the position in that order (CURSOR_KIND), so a
   * person signing in between two pages moves in the list without duplicating or skipping anyone else.
   */
  async page(em: EntityManager, first: number, after: string | null | undefined, opts: { search?: string | null; orderBy?: UserOrder | null } = {}): Promise<UserPage> {
    checkFirst(first);
    const order = opts.orderBy ?? 'CREATED_ASC';
    const position = after == null ? null : decodeUserCursor(order, after);
    const match = searchFilter(opts.search);
    const take = (where: FilterQuery<User>, orderBy: QueryOrderMap<User>[], limit: number) =>
      em.find(User, match ? { $and: [match(), where] } : where, { orderBy, limit });
    let rows: User[];
    if (order === 'CREATED_ASC') rows = await take(position ? { id: { $gt: position.id } } : {}, [{ id: 'asc' }], first + 1);
    else if (order === 'CREATED_DESC') rows = await take(position ? { id: { $lt: position.id } } : {}, [{ id: 'desc' }], first + 1);
    else {
      // Signed-in accounts newest first, then those never signed in by id: two index range scans, no NULLS LAST sort.
      rows = [];
      if (!position || position.at) {
        const at = position?.at;
        const where: FilterQuery<User> = at ? { $or: [{ lastSignInAt: { $lt: at } }, { lastSignInAt: at, id: { $lt: position.id } }] } : { lastSignInAt: { $ne: null } };
        rows = await take(where, [{ lastSignInAt: 'desc' }, { id: 'desc' }], first + 1);
      }
      if (rows.length <= first) {
        const afterId = position && !position.at ? position.id : null;
        rows.push(...(await take(afterId ? { lastSignInAt: null, id: { $lt: afterId } } : { lastSignInAt: null }, [{ id: 'desc' }], first + 1 - rows.length)));
      }
    }
    const totalCount = await em.count(User, match ? match() : {});
    return { users: rows.slice(0, first), hasNextPage: rows.length > first, totalCount, order };
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
        await assertMayActOn(tx, actor, user);
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
function lastAdmin(actor: User, target: User): LastAdminError {
  const who = target.id === actor.id ? 'You are' : 'This is';
  return new LastAdminError(`${who} the last active admin (or the last who can manage roles); promote another admin first.`, 'userId');
}
