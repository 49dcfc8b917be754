import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import type { Orm } from '../../db/orm';
import type { SocketRegistry } from './live.sockets';

/**
 * SQLite has no bus between processes, so `npm run user` (another process) could not tell a running server that a
 * user was deactivated or lost a role. `PRAGMA data_version` changes exactly when another connection has committed
 * to the file; polled on the server's own connection (its own writes do not change it) it costs no I/O, and a
 * change re-checks every open socket, so such a change reaches them within `everyMs`.
 */
export function watchSqliteCommits(orm: Orm, registry: SocketRegistry, everyMs = 500): () => void {
  const em = orm.em.fork() as unknown as SqlEntityManager;
  let seen: number | undefined;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || !registry.size) return;
    busy = true;
    try {
      const row = (await em.execute('pragma data_version', [], 'get')) as { data_version: number } | undefined;
      const version = Number(row?.data_version);
      if (seen !== undefined && version !== seen) await registry.recheckAll();
      seen = version;
    } catch {
      // the next tick tries again; the periodic re-check still runs
    } finally {
      busy = false;
    }
  }, everyMs).unref();
  return () => clearInterval(timer);
}
