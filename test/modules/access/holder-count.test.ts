import type { EntityManager } from '@mikro-orm/knex';
import { createTestServer, register, type TestServer } from '../../helpers/server';
import { as, createRole, GRANT_ROLE, makeAdmin, ok, PASSWORD } from '../../helpers/access';

describe('RoleDefinition.holderCount', () => {
  let server: TestServer;
  let admin: any;

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    for (const name of ['AAA', 'BBB', 'CCC']) await createRole(server, admin, name, ['users:read']);
    for (const [user, roles] of [['usr1', ['AAA', 'BBB']], ['usr2', ['AAA']], ['usr3', []]] as const) {
      const { user: created } = await register(server, user, PASSWORD);
      for (const role of roles) await ok(server.gql(GRANT_ROLE, { userId: created.id, role }, as(admin)), 'grantRole');
    }
  });
  afterAll(() => server.close());

  it('counts every role’s holders in one grouped statement, whatever the number of roles', async () => {
    const sent: string[] = [];
    const knex = (server.app.orm.em as EntityManager).getConnection().getKnex();
    const listen = (q: { sql: string }) => sent.push(q.sql);
    knex.on('query', listen);
    const res = await server.gql(`{ roles { name holderCount } }`, {}, as(admin));
    knex.off('query', listen);
    expect(res.body.data.roles).toEqual([
      { name: 'USER', holderCount: 4 },
      { name: 'ADMIN', holderCount: 1 },
      { name: 'AAA', holderCount: 2 },
      { name: 'BBB', holderCount: 1 },
      { name: 'CCC', holderCount: 0 },
    ]);
    expect(sent.filter((sql) => /group by role/i.test(sql))).toHaveLength(1);
    expect(sent.filter((sql) => /from "?user_roles"?/i.test(sql))).toHaveLength(1);
  });

  it('counts again after a grant in the same request', async () => {
    const usr3 = (await server.gql(`{ users(first: 10, search: "usr3") { edges { node { id } } } }`, {}, as(admin))).body.data.users.edges[0].node.id;
    const res = await server.gql(
      `mutation ($id: ID!) { before: updateRole(name: "CCC", permissions: ["users:read"]) { holderCount } grantRole(userId: $id, role: "CCC") { id } after: updateRole(name: "CCC", permissions: ["users:read"]) { holderCount } }`,
      { id: usr3 },
      as(admin),
    );
    expect(res.body.errors).toBeUndefined();
    expect([res.body.data.before.holderCount, res.body.data.after.holderCount]).toEqual([0, 1]);
  });
});
