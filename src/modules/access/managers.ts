import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';

const ROLE_CHANGES_LOCK = 7_412_031_906; // one per deployment; the migration lock is …905

// Active admins, and active accounts that hold roles:manage (as admins or through a custom role).
const COUNT_SQL = `select count(*) as managers, sum(case when u.role = 'ADMIN' then 1 else 0 end) as admins
  from users u
  where u.is_active = true and (u.role = 'ADMIN' or exists (
    select 1 from user_roles ur join role_permissions rp on rp.role = ur.role
    where ur.user_id = u.id and rp.permission = 'roles:manage'))`;

interface Counts {
  admins: number;
  managers: number;
}

/**
 * Keeps the service administrable: a change made through the API may not leave it without an active ADMIN
 * (the role that always holds every permission) or without an active account holding roles:manage, when
 * there was one. Changes that could do so run one at a time (a PostgreSQL transaction-scoped advisory lock;
 * SQLite runs one transaction at a time anyway), so two admins stepping down together cannot both pass.
 */
export class ManagerGuard {
  /** Runs `change` (which must flush what it writes) in `tx`; throws `refusal()` when it removed the last one. */
  async keep(tx: EntityManager, change: () => Promise<void>, refusal: () => Error): Promise<void> {
    await lockRoleChanges(tx);
    const before = await counts(tx);
    await change();
    const after = await counts(tx);
    if ((before.admins > 0 && after.admins === 0) || (before.managers > 0 && after.managers === 0)) throw refusal();
  }
}

/** Serialises role and account-state changes across instances (PostgreSQL), until the transaction ends. */
export async function lockRoleChanges(tx: EntityManager): Promise<void> {
  if (tx.getPlatform().constructor.name === 'PostgreSqlPlatform') {
    await (tx as SqlEntityManager).execute('select pg_advisory_xact_lock(?)', [ROLE_CHANGES_LOCK], 'get');
  }
}

async function counts(tx: EntityManager): Promise<Counts> {
  const row = (await (tx as SqlEntityManager).execute(COUNT_SQL, [], 'get')) as { admins: unknown; managers: unknown } | undefined;
  return { admins: Number(row?.admins ?? 0), managers: Number(row?.managers ?? 0) };
}
