import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { BadUserInputError, BuiltInRoleError, ForbiddenError, LastAdminError, NotFoundError, RoleExistsError, RoleInUseError } from '../../errors';
import { withRetry } from '../../db/retry';
import type { Clock } from '../../lib/clock';
import { cleanName } from '../../lib/text';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { SessionService } from '../session/session.service';
import { User, type Role } from '../user/user.entity';
import type { Actor, UserService } from '../user/user.service';
import type { ManagerGuard } from './managers';
import { assertMayActOn } from './account-guard';
import { ALL_PERMISSIONS, isPermission, ordered, type Permission } from './permissions';
import { AccessRole, BUILT_IN_ROLES, isBuiltIn, ROLE_NAME, RolePermission, UserRole } from './role.entity';

/** A role as the API shows it. */
export interface RoleDefinitionModel {
  name: string;
  description: string | null;
  permissions: Permission[];
  builtIn: boolean;
}

/** An account's roles and what they allow, as User.roles and User.permissions show them. */
export interface Holdings {
  roles: string[];
  permissions: Permission[];
}

const DESCRIPTION_MAX = 200;
const lastManager = (field: string) => () =>
  new LastAdminError('This would leave no active admin, or nobody who can manage roles; give the role to someone else first.', field);

/**
 * Roles and who holds them. ADMIN is held through users.role (so the viewer lookup knows it without a join);
 * custom roles through user_roles. Whoever changes a role, or gives or takes one, must hold each permission
 * involved: roles:manage alone never lets anyone raise their own (or anyone's) permissions.
 */
export class RoleService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly managers: ManagerGuard,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: AccountEvents,
  ) {}

  /** What an account's roles allow: everything for an admin, else the union of its custom roles. */
  permissionsOf(em: EntityManager, user: Pick<User, 'id' | 'role'>): Promise<Set<Permission>> {
    return permissionsOf(em, user);
  }

  /** Roles and permissions of several accounts in one query (User.roles and User.permissions over a page). */
  async holdingsOf(em: EntityManager, users: ReadonlyArray<Pick<User, 'id' | 'role'>>): Promise<Map<string, Holdings>> {
    const ids = [...new Set(users.map((u) => u.id))];
    const rows = ids.length
      ? ((await (em as SqlEntityManager).execute(
          `select ur.user_id, ur.role, rp.permission from user_roles ur left join role_permissions rp on rp.role = ur.role
           where ur.user_id in (${ids.map(() => '?').join(', ')}) order by ur.role`,
          ids,
        )) as Array<{ user_id: string; role: string; permission: string | null }>)
      : [];
    const result = new Map<string, Holdings>();
    for (const user of users) {
      const mine = rows.filter((r) => r.user_id === user.id);
      const custom = [...new Set(mine.map((r) => r.role))];
      const admin = user.role === 'ADMIN';
      result.set(user.id, {
        roles: ['USER', ...(admin ? ['ADMIN'] : []), ...custom],
        permissions: admin ? [...ALL_PERMISSIONS] : ordered(mine.flatMap((r) => (r.permission ? [r.permission] : []))),
      });
    }
    return result;
  }

  /** How many accounts hold each role (USER: every account; ADMIN: users.role), in one grouped statement. */
  async holderCounts(em: EntityManager): Promise<Map<string, number>> {
    const rows = (await (em as SqlEntityManager).execute(
      `select role, count(*) as holders from user_roles group by role
       union all select 'ADMIN' as role, count(*) as holders from users where role = 'ADMIN'
       union all select 'USER' as role, count(*) as holders from users`,
    )) as Array<{ role: string; holders: number | string }>;
    return new Map(rows.map((r) => [r.role, Number(r.holders)]));
  }

  /** USER, ADMIN, then the custom roles by name. */
  async list(em: EntityManager): Promise<RoleDefinitionModel[]> {
    const [roles, grants] = await Promise.all([em.find(AccessRole, {}, { orderBy: { name: 'asc' } }), em.find(RolePermission, {})]);
    const models = roles.map((r) => this.model(r, grants));
    const rank = (m: RoleDefinitionModel) => (m.builtIn ? BUILT_IN_ROLES.indexOf(m.name as Role) : BUILT_IN_ROLES.length);
    return models.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : 1));
  }

  async create(em: EntityManager, actor: Actor, name: string, permissions: string[], description: string | null | undefined): Promise<RoleDefinitionModel> {
    if (!ROLE_NAME.test(name)) throw new BadUserInputError('name', 'A role name is 2 to 40 of A–Z, 0–9 and _.');
    if (isBuiltIn(name)) throw new RoleExistsError();
    const wanted = this.validPermissions(permissions);
    assertHolds(actor, wanted);
    const now = this.clock.now();
    const role = new AccessRole(name, cleanDescription(description) ?? null, now);
    try {
      await withRetry(() =>
        em.fork().transactional(async (tx) => {
          await tx.insert(AccessRole, role);
          if (wanted.length) await tx.insertMany(RolePermission, wanted.map((permission) => ({ role: name, permission })));
        }),
      );
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new RoleExistsError();
      throw err;
    }
    this.audit.record({ type: 'ROLE_CREATED', userId: actor.user?.id, actorId: actor.user?.id, ...actor.meta, detail: { role: name, permissions: wanted, by: by(actor) } });
    return { name, description: role.description, permissions: wanted, builtIn: false };
  }

  /**
   * Replaces a custom role's permissions (and its description, unless omitted: null or "" clears it). Holders
   * get the new set from their next request; when it shrinks, their live sockets are re-checked and closed.
   */
  async update(em: EntityManager, actor: Actor, name: string, permissions: string[], description: string | null | undefined): Promise<RoleDefinitionModel> {
    const wanted = this.validPermissions(permissions);
    const result = await withRetry(() =>
      em.fork().transactional(async (tx) => {
        const role = await this.getCustom(tx, name);
        const before = ordered((await tx.find(RolePermission, { role: name })).map((g) => g.permission));
        assertHolds(actor, [...before, ...wanted]);
        const removed = before.filter((p) => !wanted.includes(p));
        const added = wanted.filter((p) => !before.includes(p));
        const change = async () => {
          if (removed.length) await tx.nativeDelete(RolePermission, { role: name, permission: { $in: removed } });
          if (added.length) await tx.insertMany(RolePermission, added.map((permission) => ({ role: name, permission })));
          if (description !== undefined) role.description = cleanDescription(description) ?? null;
          role.updatedAt = this.clock.now();
          await tx.flush();
        };
        if (removed.includes('roles:manage') && actor.user) await this.managers.keep(tx, change, lastManager('permissions'));
        else await change();
        const holders = removed.length ? (await tx.find(UserRole, { role: name }, { fields: ['userId'] })).map((h) => h.userId) : [];
        return { role, added, removed, holders };
      }),
    );
    if (result.added.length || result.removed.length) {
      this.audit.record({ type: 'ROLE_UPDATED', userId: actor.user?.id, actorId: actor.user?.id, ...actor.meta, detail: { role: name, added: result.added, removed: result.removed, by: by(actor) } });
    }
    for (const userId of result.holders) this.sessions.announce(userId);
    return { name, description: result.role.description, permissions: wanted, builtIn: false };
  }

  /** Deletes a custom role nobody holds. */
  async delete(em: EntityManager, actor: Actor, name: string): Promise<boolean> {
    try {
      await withRetry(() =>
        em.fork().transactional(async (tx) => {
          await this.getCustom(tx, name);
          assertHolds(actor, (await tx.find(RolePermission, { role: name })).map((g) => g.permission));
          const holders = await tx.count(UserRole, { role: name });
          if (holders > 0) throw new RoleInUseError(holders);
          await tx.nativeDelete(RolePermission, { role: name });
          await tx.nativeDelete(AccessRole, { name });
        }),
      );
    } catch (err) {
      // Granted by a request racing this one: the foreign key (RESTRICT) kept the role.
      if (err instanceof ForeignKeyConstraintViolationException) throw new RoleInUseError(1);
      throw err;
    }
    this.audit.record({ type: 'ROLE_DELETED', userId: actor.user?.id, actorId: actor.user?.id, ...actor.meta, detail: { role: name, by: by(actor) } });
    return true;
  }

  /** Gives an account ADMIN or a custom role; granting USER (which everyone holds) changes nothing. */
  async grant(em: EntityManager, actor: Actor, userId: string, role: string): Promise<User> {
    const { user, changed } = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.users.get(tx, userId);
        if (role === 'USER') return { user, changed: false };
        const permissions = await this.permissionsOfRole(tx, role);
        assertHolds(actor, permissions);
        await assertMayActOn(tx, actor, user);
        if (role === 'ADMIN') {
          if (user.role === 'ADMIN') return { user, changed: false };
          Object.assign(user, { role: 'ADMIN', updatedAt: this.clock.now() });
          return { user, changed: true };
        }
        const held = await tx.count(UserRole, { userId: user.id, role });
        if (held) return { user, changed: false };
        await tx.insert(UserRole, { userId: user.id, role, grantedAt: this.clock.now(), grantedBy: actor.user?.id ?? null });
        return { user, changed: true };
      }),
    ).catch(rethrowVanishedRole);
    if (changed) this.events.emit({ type: 'ROLE_GRANTED', userId: user.id, meta: actor.meta, role, by: by(actor) });
    return user;
  }

  /** Takes ADMIN or a custom role from an account; USER cannot be taken. */
  async revoke(em: EntityManager, actor: Actor, userId: string, role: string): Promise<User> {
    if (role === 'USER') throw new BadUserInputError('role', 'Every account holds USER; it cannot be revoked.', 'USER_ROLE_REQUIRED');
    const { user, changed } = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.users.get(tx, userId);
        assertHolds(actor, await this.permissionsOfRole(tx, role));
        await assertMayActOn(tx, actor, user);
        let changed = false;
        const change = async () => {
          if (role === 'ADMIN') {
            changed = user.role === 'ADMIN';
            if (changed) Object.assign(user, { role: 'USER', updatedAt: this.clock.now() });
            await tx.flush();
          } else {
            changed = (await tx.nativeDelete(UserRole, { userId: user.id, role })) > 0;
          }
        };
        if (actor.user) await this.managers.keep(tx, change, lastManager('userId'));
        else await change();
        return { user, changed };
      }),
    );
    if (changed) {
      this.events.emit({ type: 'ROLE_REVOKED', userId: user.id, meta: actor.meta, role, by: by(actor) });
    }
    return user;
  }

  /**
   * setUserRole (deprecated): ADMIN grants ADMIN; USER takes every role but USER away. Either way the
   * account's sessions end, as they always did, so its people sign in again under the new role.
   */
  async setBuiltIn(em: EntityManager, actor: Actor, userId: string, role: Role): Promise<User> {
    const result = await withRetry(() =>
      em.transactional(async (tx) => {
        const user = await this.users.get(tx, userId);
        const custom = (await tx.find(UserRole, { userId: user.id })).map((h) => h.role);
        const before = user.role;
        if (role === 'ADMIN') assertHolds(actor, ALL_PERMISSIONS);
        else await assertMayActOn(tx, actor, user);
        if (before === role && (role === 'ADMIN' || !custom.length)) return { user, before, changed: false };
        const change = async () => {
          if (role === 'USER' && custom.length) await tx.nativeDelete(UserRole, { userId: user.id });
          Object.assign(user, { role, updatedAt: this.clock.now() });
          await tx.flush();
          await this.sessions.endAllForUser(tx, user.id, 'ROLE_CHANGED');
        };
        if (actor.user && role === 'USER') await this.managers.keep(tx, change, lastManager('userId'));
        else await change();
        return { user, before, changed: true };
      }),
    );
    if (result.changed) {
      this.events.emit({ type: 'ROLE_CHANGED', userId: result.user.id, meta: actor.meta, from: result.before, to: role, by: by(actor) });
    }
    return result.user;
  }

  private model(role: AccessRole, grants: RolePermission[]): RoleDefinitionModel {
    const permissions = role.name === 'ADMIN' ? [...ALL_PERMISSIONS] : role.builtIn ? [] : ordered(grants.filter((g) => g.role === role.name).map((g) => g.permission));
    return { name: role.name, description: role.description, permissions, builtIn: role.builtIn };
  }

  private async getCustom(tx: EntityManager, name: string): Promise<AccessRole> {
    if (isBuiltIn(name)) throw new BuiltInRoleError();
    const role = ROLE_NAME.test(name) ? await tx.findOne(AccessRole, { name }) : null;
    if (!role) throw new NotFoundError('Role', 'name');
    return role;
  }

  /** A role's permissions (ADMIN: all; USER: none); NOT_FOUND on `role` for an unknown name. */
  private async permissionsOfRole(tx: EntityManager, role: string): Promise<Permission[]> {
    if (role === 'ADMIN') return [...ALL_PERMISSIONS];
    if (role === 'USER') return [];
    const found = ROLE_NAME.test(role) ? await tx.findOne(AccessRole, { name: role }) : null;
    if (!found) throw new NotFoundError('Role', 'role');
    return ordered((await tx.find(RolePermission, { role })).map((g) => g.permission));
  }

  private validPermissions(permissions: string[]): Permission[] {
    const unknown = permissions.find((p) => !isPermission(p));
    if (unknown !== undefined) throw new BadUserInputError('permissions', `Unknown permission "${unknown.slice(0, 64)}"; see the permissions query.`, 'UNKNOWN_PERMISSION');
    return ordered(permissions);
  }
}

/** What an account's roles allow: everything for an admin, else the union of its custom roles (one query). */
export async function permissionsOf(em: EntityManager, user: Pick<User, 'id' | 'role'>): Promise<Set<Permission>> {
  if (user.role === 'ADMIN') return new Set(ALL_PERMISSIONS);
  const rows = (await (em as SqlEntityManager).execute(
    'select distinct rp.permission from user_roles ur join role_permissions rp on rp.role = ur.role where ur.user_id = ?',
    [user.id],
  )) as Array<{ permission: string }>;
  return new Set(ordered(rows.map((r) => r.permission)));
}

/** Whoever gives, takes or shapes a role must hold each of its permissions; the operator's CLI may do anything. */
export function assertHolds(actor: Actor, permissions: Iterable<string>): void {
  if (!actor.user) return;
  if (!actor.permissions) throw new Error('assertHolds: an API actor without permissions');
  const missing = ordered(permissions).find((p) => !actor.permissions!.has(p));
  if (missing) throw new ForbiddenError('PERMISSION_NOT_HELD', missing);
}

const by = (actor: Actor) => actor.user?.id ?? 'cli';

const cleanDescription = (value: string | null | undefined): string | null | undefined =>
  value == null ? value : value.trim() === '' ? null : cleanName(value, 'description', DESCRIPTION_MAX);

/** A role deleted between the check and the insert fails the foreign key: report it as unknown. */
function rethrowVanishedRole(err: unknown): never {
  if (err instanceof ForeignKeyConstraintViolationException) throw new NotFoundError('Role', 'role');
  throw err;
}
