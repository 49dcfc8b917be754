import { randomUUID } from 'node:crypto';
import { User } from '../../../src/modules/user/user.entity';
import { createTestServer, firstError, login, register, ME, type GqlResponse, type TestServer } from '../../helpers/server';
import { expectError } from '../../helpers/shop';

const USERS = `query ($first: Int, $after: String) {
  users(first: $first, after: $after) { edges { cursor node { id username } } pageInfo { hasNextPage endCursor } totalCount }
}`;
const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id isActive } }`;
const SET_ROLE = `mutation ($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { id role } }`;
const PASSWORD = 'correct horse battery';

/** Registers, promotes to ADMIN in the database, and logs in again so the token is issued to an admin. */
async function makeAdmin(server: TestServer, username: string): Promise<any> {
  const first = await register(server, username, PASSWORD);
  await server.app.orm.em.fork().nativeUpdate(User, { id: first.user.id }, { role: 'ADMIN' });
  return login(server, username, PASSWORD);
}

function expectForbidden(res: GqlResponse) {
  expect(res.status).toBe(403);
  expect(res.body.data ?? null).toBeNull();
  expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' });
}

function expectBadInput(res: GqlResponse, field: string) {
  expect(res.body.data ?? null).toBeNull();
  expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
}

describe('users, setUserActive and setUserRole', () => {
  let server: TestServer;
  let admin: any;
  const ids: string[] = [];
  let plain: any;

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    ids.push(admin.user.id);
    for (const name of ['bob', 'carol', 'dave', 'erin']) {
      const p = await register(server, name, PASSWORD);
      ids.push(p.user.id);
      if (name === 'bob') plain = p;
    }
  });
  afterAll(() => server.close());

  const users = (variables: Record<string, unknown>, token = admin.accessToken) => server.gql(USERS, variables, { token });

  it('pages through every account, oldest first', async () => {
    const p1 = await users({ first: 2 });
    expect(p1.body.errors).toBeUndefined();
    const c1 = p1.body.data.users;
    expect(c1.totalCount).toBe(5);
    expect(c1.edges.map((e: any) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(c1.pageInfo).toEqual({ hasNextPage: true, endCursor: c1.edges[1].cursor });

    const c2 = (await users({ first: 2, after: c1.pageInfo.endCursor })).body.data.users;
    expect(c2.edges.map((e: any) => e.node.id)).toEqual(ids.slice(2, 4));
    expect(c2.pageInfo.hasNextPage).toBe(true);
    expect(c2.totalCount).toBe(5);

    const c3 = (await users({ first: 2, after: c2.pageInfo.endCursor })).body.data.users;
    expect(c3.edges.map((e: any) => e.node.id)).toEqual(ids.slice(4));
    expect(c3.pageInfo).toEqual({ hasNextPage: false, endCursor: c3.edges[0].cursor });

    // A page that ends exactly on the last account has no next page.
    const rest = (await users({ first: 3, after: c1.pageInfo.endCursor })).body.data.users;
    expect(rest.edges.map((e: any) => e.node.id)).toEqual(ids.slice(2));
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges[2].cursor });
  });

  it('defaults to a page holding everyone', async () => {
    const c = (await users({})).body.data.users;
    expect(c.edges.map((e: any) => e.node.id)).toEqual(ids);
    expect(c.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses first outside 1..100', async () => {
    expectBadInput(await users({ first: 0 }), 'first');
    expectBadInput(await users({ first: 101 }), 'first');
    expectBadInput(await users({ first: -1 }), 'first');
    expect((await users({ first: 100 })).body.data.users.edges).toHaveLength(5);
  });

  it('refuses a cursor it did not issue', async () => {
    expectBadInput(await users({ first: 2, after: 'not a cursor!' }), 'after');
    expectBadInput(await users({ first: 2, after: Buffer.from('user:42').toString('base64url') }), 'after');
    expectBadInput(await users({ first: 2, after: Buffer.from(`team:${ids[0]}`).toString('base64url') }), 'after');
  });

  it('refuses the admin fields to a USER with 403', async () => {
    expectForbidden(await users({ first: 2 }, plain.accessToken));
    expectForbidden(await server.gql(SET_ACTIVE, { id: ids[2], active: false }, { token: plain.accessToken }));
    expectForbidden(await server.gql(SET_ROLE, { id: plain.user.id, role: 'ADMIN' }, { token: plain.accessToken }));
    // Nothing changed.
    const me = await server.gql(ME, {}, { token: plain.accessToken });
    expect(me.body.data.me).toMatchObject({ role: 'USER', isActive: true });
    await expect(login(server, 'carol', PASSWORD)).resolves.toBeTruthy();
  });

  it('answers NOT_FOUND for an unknown user id', async () => {
    for (const id of [randomUUID(), 'nope']) {
      const res = await server.gql(SET_ACTIVE, { id, active: false }, { token: admin.accessToken });
      expect(res.body.data).toBeNull();
      expect(firstError(res).code).toBe('NOT_FOUND');
    }
    const res = await server.gql(SET_ROLE, { id: randomUUID(), role: 'ADMIN' }, { token: admin.accessToken });
    expect(firstError(res).code).toBe('NOT_FOUND');
  });
});

describe('demotion', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('takes effect at once: the old token is revoked and a new login is a USER', async () => {
    const ann = await makeAdmin(server, 'ann');
    const ben = await makeAdmin(server, 'ben');
    expect((await server.gql(USERS, { first: 5 }, { token: ann.accessToken })).body.data.users.totalCount).toBe(2);

    const res = await server.gql(SET_ROLE, { id: ann.user.id, role: 'USER' }, { token: ben.accessToken });
    expect(res.body.data.setUserRole).toEqual({ id: ann.user.id, role: 'USER' });

    const old = await server.gql(USERS, { first: 5 }, { token: ann.accessToken });
    expect(old.status).toBe(401);
    expect(firstError(old)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });

    const again = await login(server, 'ann', PASSWORD);
    expect(again.user.role).toBe('USER');
    expectForbidden(await server.gql(USERS, { first: 5 }, { token: again.accessToken }));
    expect((await server.gql(USERS, { first: 5 }, { token: ben.accessToken })).status).toBe(200);
  });
});

describe('last active admin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('cannot demote or deactivate themself', async () => {
    const solo = await makeAdmin(server, 'solo');
    await register(server, 'someone', PASSWORD);

    expectError(await server.gql(SET_ROLE, { id: solo.user.id, role: 'USER' }, { token: solo.accessToken }), { code: 'LAST_ADMIN', field: 'userId' });
    expectError(await server.gql(SET_ACTIVE, { id: solo.user.id, active: false }, { token: solo.accessToken }), { code: 'LAST_ADMIN', field: 'userId' });

    // Still an active admin with a working session.
    const me = await server.gql(ME, {}, { token: solo.accessToken });
    expect(me.body.data.me).toMatchObject({ role: 'ADMIN', isActive: true });
    expect((await server.gql(USERS, { first: 5 }, { token: solo.accessToken })).body.data.users.totalCount).toBe(2);
  });

  it('may step down once another active admin exists', async () => {
    const solo = await login(server, 'solo', PASSWORD);
    const other = await login(server, 'someone', PASSWORD);
    const promote = await server.gql(SET_ROLE, { id: other.user.id, role: 'ADMIN' }, { token: solo.accessToken });
    expect(promote.body.data.setUserRole.role).toBe('ADMIN');
    const res = await server.gql(SET_ROLE, { id: solo.user.id, role: 'USER' }, { token: solo.accessToken });
    expect(res.body.data.setUserRole).toEqual({ id: solo.user.id, role: 'USER' });
  });
});
