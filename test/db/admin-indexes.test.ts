import type { EntityManager } from '@mikro-orm/knex';
import { AUDIT_EVENT_TYPES } from '../../src/modules/audit/audit-event.entity';
import { buildSchema } from '../../src/schema';
import { createTestServer, type TestServer } from '../helpers/server';
import { as, makeAdmin } from '../helpers/access';

/**
 * The admin console's lists and stats read through an index, on SQLite and PostgreSQL: the statements the server
 * really sends are captured and explained (PostgreSQL with sequential scans off, since its tables here are tiny).
 */
describe('indexes behind the admin console', () => {
  let server: TestServer;
  let admin: any;
  const pg = !!process.env.TEST_DATABASE_URL;
  const sent: Array<{ sql: string; bindings: unknown[] }> = [];

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    const knex = (server.app.orm.em as EntityManager).getConnection().getKnex();
    knex.on('query', (q: { sql: string; bindings?: unknown[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] }));
  });
  afterAll(() => server.close());

  /** The plan of every select the request sent on `table`. */
  async function plans(query: string, table: string, pick = (sql: string) => !/count\(/i.test(sql)): Promise<string[]> {
    sent.length = 0;
    const res = await server.gql(query, {}, as(admin));
    expect(res.body.errors).toBeUndefined();
    const em = server.app.orm.em.fork() as EntityManager;
    const selects = sent.filter((q) => /^select/i.test(q.sql) && q.sql.includes(table) && pick(q.sql));
    expect(selects.length).toBeGreaterThan(0);
    const out: string[] = [];
    for (const q of selects) {
      if (pg) {
        const rows = await em.getConnection().transactional(async (trx) => {
          await em.getConnection().execute('set local enable_seqscan = off', [], 'run', trx);
          return em.getConnection().execute(`explain ${q.sql}`, q.bindings as any[], 'all', trx);
        });
        out.push((rows as Array<Record<string, string>>).map((r) => r['QUERY PLAN']).join('\n'));
      } else {
        const rows = await em.getConnection().execute(`explain query plan ${q.sql}`, q.bindings as any[]);
        out.push((rows as Array<{ detail: string }>).map((r) => r.detail).join('\n'));
      }
    }
    return out;
  }

  it('LAST_SIGN_IN_DESC pages through users_last_sign_in_at_id_index, without sorting the table', async () => {
    const found = await plans(`{ users(first: 5, orderBy: LAST_SIGN_IN_DESC) { totalCount edges { node { id } } } }`, 'users');
    expect(found).toHaveLength(2); // signed-in accounts, then those never signed in
    for (const plan of found) {
      expect(plan).toContain('users_last_sign_in_at_id_index');
      if (!pg) expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it.each([
    ['actorId', 'audit_events_actor_id_id_index'],
    ['userId', 'audit_events_user_id_id_index'],
  ])('a page filtered by %s reads %s in id order', async (field, index) => {
    const found = await plans(`{ auditEvents(first: 5, filter: { ${field}: "${'0190b7a0-0000-7000-8000-000000000000'}" }) { totalCount } }`, 'audit_events');
    for (const plan of found) {
      expect(plan).toContain(index);
      if (!pg) expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('a page of one event type reads audit_events_type_id_index in id order', async () => {
    const found = await plans(`{ auditEvents(first: 5, filter: { types: [LOGIN_FAILED] }) { totalCount } }`, 'audit_events');
    for (const plan of found) {
      expect(plan).toContain('audit_events_type_id_index');
      if (!pg) expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('authStats reads only the range it counts, through an index on (type, at) or at', async () => {
    const found = (await plans(`{ authStats(range: LAST_7_DAYS) { from } }`, 'audit_events', (sql) => /group by/i.test(sql))).join('\n');
    // SQLite takes (type, at); PostgreSQL's planner may take either on a near-empty table: both are range scans.
    expect(found).toMatch(pg ? /audit_events_(type_)?at_index/ : /audit_events_type_at_index/);
    expect(found).not.toMatch(/Seq Scan|SCAN audit_events(?! USING)/);
  });

  it('the AuditEventType enum and AUDIT_EVENT_TYPES list the same types', () => {
    const values = (buildSchema().getType('AuditEventType') as unknown as { getValues(): Array<{ name: string }> }).getValues().map((v) => v.name);
    expect(values).toEqual([...AUDIT_EVENT_TYPES]);
  });
});
