import { createTestServer, firstError, login, register, ME, REFRESH, type TestServer } from '../../helpers/server';
import {
  ADD_TO_CART,
  ADD_TO_WISHLIST,
  CREATE_WISHLIST,
  DELETE_ACCOUNT,
  MY_CART,
  PASSWORD,
  expectError,
  expectForbidden,
  expectUnauthenticated,
  makeAdmin,
  ok,
  seeded,
} from '../../helpers/shop';

const EVENTS = `query ($userId: ID) { auditEvents(first: 100, userId: $userId) { edges { node { type userId sessionId ip userAgent detail } } totalCount } }`;
const USER_TABLES: Array<[string, string]> = [
  ['users', 'id'],
  ['sessions', 'user_id'],
  ['shoppers', 'user_id'],
  ['cart_items', 'user_id'],
  ['wishlists', 'user_id'],
];

/** Row counts for one user straight from the database, so nothing the API hides can pass for deleted. */
async function rowsOf(server: TestServer, userId: string): Promise<Record<string, number>> {
  const queries = [
    ...USER_TABLES.map(([table, column]) => [table, `select count(*) as n from ${table} where ${column} = ?`]),
    ['refresh_tokens', 'select count(*) as n from refresh_tokens where session_id in (select id from sessions where user_id = ?)'],
    ['wishlist_items', 'select count(*) as n from wishlist_items where wishlist_id in (select id from wishlists where user_id = ?)'],
    // Audit events: no foreign key, no cascade.
    ['audit_events', 'select count(*) as n from audit_events where user_id = ?'],
  ];
  const connection = server.app.orm.em.fork().getConnection();
  const counts: Record<string, number> = {};
  for (const [name, sql] of queries) counts[name] = Number((await connection.execute<{ n: number | string }>(sql, [userId], 'get')).n);
  return counts;
}

describe('deleteAccount', () => {
  let server: TestServer;
  let products: any[];
  beforeAll(async () => {
    server = await createTestServer();
    products = await seeded(server, 3);
  });
  afterAll(() => server.close());

  it('deletes the cart, wishlists, sessions and refresh tokens at once, keeps the audit trail by id, and frees the username', async () => {
    const first = await register(server, 'Mallory', PASSWORD);
    const other = await login(server, 'mallory', PASSWORD);
    const token = other.accessToken;
    await ok(server.gql(ADD_TO_CART, { productId: products[0].id, quantity: 2 }, { token }), 'addToCart');
    const list = await ok(server.gql(CREATE_WISHLIST, { name: 'Later' }, { token }), 'createWishlist');
    await ok(server.gql(ADD_TO_WISHLIST, { wishlistId: list.id, productId: products[1].id }, { token }), 'addToWishlist');
    const id = first.user.id;
    await server.app.services.audit.flush();
    const before = await rowsOf(server, id);
    expect(before).toMatchObject({ users: 1, sessions: 2, refresh_tokens: 2, shoppers: 1, cart_items: 1, wishlists: 1, wishlist_items: 1 });

    const res = await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token, headers: { 'user-agent': 'delete-suite/1.0' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { deleteAccount: true } });

    await server.app.services.audit.flush();
    expect(await rowsOf(server, id)).toEqual({
      users: 0, sessions: 0, refresh_tokens: 0, shoppers: 0, cart_items: 0, wishlists: 0, wishlist_items: 0,
      audit_events: before.audit_events + 1,
    });
    // Every token of the account is dead: both sessions' access tokens and refresh tokens.
    for (const access of [first.accessToken, other.accessToken]) expectUnauthenticated(await server.gql(ME, {}, { token: access }), 'TOKEN_REVOKED');
    for (const refresh of [first.refreshToken, other.refreshToken]) expectUnauthenticated(await server.gql(REFRESH, { token: refresh }), 'TOKEN_INVALID');
    expectError(await server.gql(`mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`, { input: { username: 'mallory', password: PASSWORD } }), { code: 'BAD_CREDENTIALS' });

    // The trail keeps the id and never the name.
    const admin = await makeAdmin(server, 'auditor');
    const events = await ok(server.gql(EVENTS, { userId: id }, { token: admin.accessToken }), 'auditEvents');
    const types = events.edges.map((e: any) => e.node.type);
    expect(types[0]).toBe('ACCOUNT_DELETED');
    expect(types).toEqual(expect.arrayContaining(['REGISTERED', 'LOGIN_SUCCEEDED']));
    expect(events.edges[0].node).toMatchObject({ userId: id, sessionId: other.sessionId, userAgent: 'delete-suite/1.0' });
    expect(JSON.stringify(events).toLowerCase()).not.toContain('mallory');

    // The name is free again, for a new account with a new id and an empty cart.
    const again = await register(server, 'mallory', 'another good passphrase');
    expect(again.user.id).not.toBe(id);
    expect(await ok(server.gql(MY_CART, {}, { token: again.accessToken }), 'myCart')).toMatchObject({ items: [] });
  });

  it('needs a fresh login: a refreshed token, or a login older than FRESH_LOGIN_WINDOW, is FORBIDDEN', async () => {
    const nia = await register(server, 'nia', PASSWORD);
    const refreshed = await ok(server.gql(REFRESH, { token: nia.refreshToken }), 'refreshToken');
    expectForbidden(await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: refreshed.accessToken }), 'FRESH_LOGIN_REQUIRED');
    const fresh = await login(server, 'nia', PASSWORD);
    server.clock.advance(server.config.session.freshLoginWindow + 1);
    expectForbidden(await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: fresh.accessToken }), 'FRESH_LOGIN_REQUIRED');
    expect((await server.gql(ME, {}, { token: (await login(server, 'nia', PASSWORD)).accessToken })).body.data.me.username).toBe('nia');
  });

  it('refuses a wrong password with BAD_CREDENTIALS, audited, and leaves the account as it was', async () => {
    const oscar = await register(server, 'oscar', PASSWORD);
    await ok(server.gql(ADD_TO_CART, { productId: products[0].id }, { token: oscar.accessToken }), 'addToCart');
    const res = await server.gql(DELETE_ACCOUNT, { password: 'not my password' }, { token: oscar.accessToken });
    expectError(res, { code: 'BAD_CREDENTIALS' });
    expect((await ok(server.gql(MY_CART, {}, { token: oscar.accessToken }), 'myCart')).itemCount).toBe(1);
    await server.app.services.audit.flush();
    const admin = await login(server, 'auditor', PASSWORD);
    const events = await ok(server.gql(EVENTS, { userId: oscar.user.id }, { token: admin.accessToken }), 'auditEvents');
    expect(events.edges[0].node).toMatchObject({ type: 'LOGIN_FAILED', detail: JSON.stringify({ reason: 'BAD_PASSWORD', during: 'deleteAccount' }) });
  });

  it('is UNAUTHENTICATED without a valid token', async () => {
    expectUnauthenticated(await server.gql(DELETE_ACCOUNT, { password: PASSWORD }));
    expectUnauthenticated(await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: 'garbage' }), 'TOKEN_INVALID');
  });

  it('lets an admin delete themself only while another active admin remains', async () => {
    const solo = await createTestServer();
    try {
      const root = await makeAdmin(solo, 'root');
      const res = await solo.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: root.accessToken });
      expectError(res, { code: 'LAST_ADMIN' });
      expect((await solo.gql(ME, {}, { token: root.accessToken })).body.data.me.role).toBe('ADMIN');
      const second = await makeAdmin(solo, 'second');
      expect(await ok(solo.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: root.accessToken }), 'deleteAccount')).toBe(true);
      expectError(await solo.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: second.accessToken }), { code: 'LAST_ADMIN' });
    } finally {
      await solo.close();
    }
  });
});

describe('deleteAccount and the login limits', () => {
  it('counts the password check against the account’s login limit', async () => {
    const server = await createTestServer({ RATE_LOGIN_ACCOUNT_MAX: '2' });
    try {
      const pat = await register(server, 'pat', PASSWORD);
      for (let i = 0; i < 2; i++) expectError(await server.gql(DELETE_ACCOUNT, { password: `wrong ${i} password` }, { token: pat.accessToken }), { code: 'BAD_CREDENTIALS' });
      const res = await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, { token: pat.accessToken });
      expect(res.status).toBe(429);
      expect(firstError(res).code).toBe('RATE_LIMITED');
      expect((await server.gql(ME, {}, { token: pat.accessToken })).body.data.me.username).toBe('pat');
    } finally {
      await server.close();
    }
  });
});
