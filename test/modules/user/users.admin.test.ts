import { createTestServer, firstError, login, register, type TestServer } from '../../helpers/server';
import { as, makeAdmin, PASSWORD } from '../../helpers/access';
import { User } from '../../../src/modules/user/user.entity';

const USERS = `query ($first: Int, $after: String, $search: String, $orderBy: UserOrder) {
  users(first: $first, after: $after, search: $search, orderBy: $orderBy) {
    edges { cursor node { id username lastSignInAt } } pageInfo { hasNextPage endCursor } totalCount
  }
}`;
const USER = `query ($id: ID!) { user(id: $id) { id username lastSignInAt } }`;

describe('users(search, orderBy) and user(id)', () => {
  let server: TestServer;
  let admin: any;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    ids.root = admin.user.id;
    for (const name of ['bob_x', 'bobby', 'carol', 'dave', 'erin']) {
      server.clock.advance(60);
      ids[name] = (await register(server, name, PASSWORD)).user.id;
    }
    // Sign-ins in a known order, then one account that never signed in (its registration's session is its only one).
    await server.app.orm.em.fork().nativeUpdate(User, { id: ids.erin }, { lastSignInAt: null });
    for (const name of ['carol', 'bob_x', 'dave']) {
      server.clock.advance(60);
      await login(server, name, PASSWORD);
    }
  });
  afterAll(() => server.close());

  const users = async (variables: Record<string, unknown>) => {
    const res = await server.gql(USERS, variables, as(admin));
    expect(res.body.errors).toBeUndefined();
    return res.body.data.users;
  };
  /** Every page of an order, two at a time. */
  async function walk(variables: Record<string, unknown>): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await users({ ...variables, first: 2, after });
      seen.push(...page.edges.map((e: any) => e.node.username));
      if (!page.pageInfo.hasNextPage) return seen;
      after = page.pageInfo.endCursor;
    }
  }

  it('lists by creation both ways, and by last sign-in newest first with never-signed-in accounts last', async () => {
    expect(await walk({})).toEqual(['root', 'bob_x', 'bobby', 'carol', 'dave', 'erin']);
    expect(await walk({ orderBy: 'CREATED_DESC' })).toEqual(['erin', 'dave', 'carol', 'bobby', 'bob_x', 'root']);
    // root signed in (makeAdmin logs in) before bobby registered.
    expect(await walk({ orderBy: 'LAST_SIGN_IN_DESC' })).toEqual(['dave', 'bob_x', 'carol', 'bobby', 'root', 'erin']);
  });

  it('sets lastSignInAt when a session opens, and shows it to the account itself', async () => {
    const before = (await server.gql(USER, { id: ids.bobby }, as(admin))).body.data.user.lastSignInAt;
    server.clock.advance(30);
    const bobby = await login(server, 'bobby', PASSWORD);
    const after = (await server.gql(USER, { id: ids.bobby }, as(admin))).body.data.user.lastSignInAt;
    expect(after).toBe(server.clock.now().toISOString());
    expect(after > before).toBe(true);
    const me = await server.gql('{ me { lastSignInAt } }', {}, as(bobby));
    expect(me.body.data.me.lastSignInAt).toBe(after);
    expect((await walk({ orderBy: 'LAST_SIGN_IN_DESC' }))[0]).toBe('bobby');
  });

  it('searches username and e-mail address, in any case, LIKE wildcards taken literally', async () => {
    await server.app.orm.em.fork().nativeUpdate(User, { id: ids.carol }, { email: 'Carol@Example.org', emailKey: 'carol@example.org' });
    const names = async (search: string, orderBy = 'CREATED_ASC') => {
      const page = await users({ search, orderBy, first: 10 });
      expect(page.totalCount).toBe(page.edges.length);
      return page.edges.map((e: any) => e.node.username);
    };
    expect(await names('BOB')).toEqual(['bob_x', 'bobby']);
    expect(await names('b_x')).toEqual(['bob_x']); // "_" is not "any character"
    expect(await names('%')).toEqual([]);
    expect(await names('EXAMPLE.org')).toEqual(['carol']);
    await server.app.orm.em.fork().nativeUpdate(User, { id: ids.carol }, { email: 'car\u00f6l@example.org', emailKey: 'car\u00f6l@example.org' });
    expect(await names('CARO\u0308L')).toEqual(['carol']); // typed decomposed (o + combining diaeresis): NFC first
    expect(await names('  bob ', 'CREATED_DESC')).toEqual(['bobby', 'bob_x']);
    expect(await names('')).toHaveLength(6);
    const long = await server.gql(USERS, { search: 'x'.repeat(101) }, as(admin));
    expect(firstError(long)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
  });

  it('refuses a cursor of another order', async () => {
    const page = await users({ first: 1, orderBy: 'LAST_SIGN_IN_DESC' });
    for (const orderBy of ['CREATED_ASC', 'CREATED_DESC']) {
      const res = await server.gql(USERS, { first: 1, after: page.pageInfo.endCursor, orderBy }, as(admin));
      expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    const created = await users({ first: 1 });
    const res = await server.gql(USERS, { first: 1, after: created.pageInfo.endCursor, orderBy: 'CREATED_DESC' }, as(admin));
    expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('user(id) is null for no such account, and needs users:read', async () => {
    expect((await server.gql(USER, { id: '0190b7a0-0000-7000-8000-000000000000' }, as(admin))).body.data.user).toBeNull();
    expect((await server.gql(USER, { id: 'nope' }, as(admin))).body.data.user).toBeNull();
    const bob = await login(server, 'bob_x', PASSWORD);
    const res = await server.gql(USER, { id: ids.root }, as(bob));
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', missing: 'users:read' });
  });
});
