import { createTestServer, login, register, type TestServer } from '../../helpers/server';
import { RawSocket, sleep, wsClient, wsUrl, type Closed } from '../../helpers/ws';
import { TestClock } from '../../helpers/clock';

const CART_CHANGED = `subscription { cartChanged { itemCount } }`;

class WallClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

/** Opens an authenticated socket with a running subscription. */
async function liveSocket(server: TestServer, accessToken: string): Promise<RawSocket> {
  const s = new RawSocket(wsUrl(server));
  expect(await s.init({ accessToken })).toBe('ack');
  s.subscribe('cart', CART_CHANGED);
  return s;
}

/** How the socket closed, and within how many ms of `since`. */
async function closedWithin(s: RawSocket, since: number): Promise<Closed & { ms: number }> {
  const closed = await Promise.race([s.closed, new Promise<Closed>((r) => setTimeout(() => r({ code: 0, reason: 'still open' }), 3000))]);
  return { ...closed, ms: Date.now() - since };
}

describe('revocation closes live sockets at once', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer();
    admin = await register(server, 'rv_admin');
    await server.app.orm.em.fork().getConnection().execute(`update users set role = 'ADMIN' where id = ?`, [admin.user.id]);
  });
  afterAll(() => server.close());

  it('logoutAll closes every socket of the user with 4403 TOKEN_REVOKED within a second, and no one else’s', async () => {
    const a = await register(server, 'rv_all');
    const b = await login(server, 'rv_all');
    const other = await register(server, 'rv_other');
    const [s1, s2, s3] = [await liveSocket(server, a.accessToken), await liveSocket(server, b.accessToken), await liveSocket(server, other.accessToken)];
    const t0 = Date.now();
    expect((await server.gql(`mutation { logoutAll }`, {}, { token: a.accessToken })).body.data.logoutAll).toBe(true);
    for (const s of [s1, s2]) expect(await closedWithin(s, t0)).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED', ms: expect.any(Number) });
    expect((await closedWithin(s1, t0)).ms).toBeLessThan(1000);
    s3.send({ type: 'ping' });
    expect((await s3.next((m) => m.type === 'pong')).type).toBe('pong');
    s3.close();
  });

  it('logout ends only that session’s socket', async () => {
    const a = await register(server, 'rv_one');
    const b = await login(server, 'rv_one');
    const [s1, s2] = [await liveSocket(server, a.accessToken), await liveSocket(server, b.accessToken)];
    const t0 = Date.now();
    await server.gql(`mutation ($t: String) { logout(refreshToken: $t) }`, { t: a.refreshToken });
    expect(await closedWithin(s1, t0)).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });
    s2.send({ type: 'ping' });
    expect((await s2.next((m) => m.type === 'pong')).type).toBe('pong');
    s2.close();
  });

  it('revokeSession from another device closes that device’s socket', async () => {
    const a = await register(server, 'rv_dev');
    const b = await login(server, 'rv_dev');
    const s = await liveSocket(server, b.accessToken);
    const t0 = Date.now();
    await server.gql(`mutation ($id: ID!) { revokeSession(id: $id) }`, { id: b.sessionId }, { token: a.accessToken });
    expect(await closedWithin(s, t0)).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });
  });

  it('deactivation closes the sockets with ACCOUNT_DISABLED', async () => {
    const v = await register(server, 'rv_deact');
    const s = await liveSocket(server, v.accessToken);
    const t0 = Date.now();
    await server.gql(`mutation ($id: ID!) { setUserActive(userId: $id, active: false) { id } }`, { id: v.user.id }, { token: admin.accessToken });
    const closed = await closedWithin(s, t0);
    expect(closed).toMatchObject({ code: 4403, reason: 'ACCOUNT_DISABLED' });
    expect(closed.ms).toBeLessThan(1000);
  });

  it('a role change closes the sockets (the sessions end so no token outlives its role)', async () => {
    const v = await register(server, 'rv_role');
    const s = await liveSocket(server, v.accessToken);
    await server.gql(`mutation ($id: ID!) { setUserRole(userId: $id, role: ADMIN) { id } }`, { id: v.user.id }, { token: admin.accessToken });
    expect(await closedWithin(s, Date.now())).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });
  });

  it('changePassword closes the other sessions’ sockets and keeps its own', async () => {
    const a = await register(server, 'rv_pw');
    const b = await login(server, 'rv_pw');
    const [mine, other] = [await liveSocket(server, a.accessToken), await liveSocket(server, b.accessToken)];
    const res = await server.gql(`mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }`, { i: { currentPassword: 'correct horse battery', newPassword: 'another long passphrase 9' } }, { token: a.accessToken });
    expect(res.body.errors).toBeUndefined();
    expect(await closedWithin(other, Date.now())).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });
    mine.send({ type: 'ping' });
    expect((await mine.next((m) => m.type === 'pong')).type).toBe('pong');
    mine.close();
  });

  it('deleteAccount closes the sockets', async () => {
    const v = await register(server, 'rv_delete');
    const s = await liveSocket(server, v.accessToken);
    const res = await server.gql(`mutation { deleteAccount(currentPassword: "correct horse battery") }`, {}, { token: v.accessToken });
    expect(res.body.data.deleteAccount).toBe(true);
    expect(await closedWithin(s, Date.now())).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });
  });
});

describe('expiry', () => {
  it('closes a socket at its token’s exp with 4403 TOKEN_EXPIRED, and the graphql-ws client reconnects with a fresh token', async () => {
    // Real time: the socket's timer and the token's exp must agree with the wall clock this test reads.
    const server = await createTestServer({ ACCESS_TOKEN_TTL: '2', JWT_MAX_LIFETIME: '2' }, new WallClock());
    try {
      const a = await register(server, 'exp_user');
      const s = new RawSocket(wsUrl(server));
      expect(await s.init({ accessToken: a.accessToken })).toBe('ack');
      const closed = await closedWithin(s, 0);
      expect(closed).toMatchObject({ code: 4403, reason: 'TOKEN_EXPIRED' });
      // At exp, not before it and not long after (closed.ms is the wall-clock time of the close here).
      const exp = JSON.parse(Buffer.from(a.accessToken.split('.')[1], 'base64url').toString()).exp * 1000;
      expect(closed.ms).toBeGreaterThanOrEqual(exp - 50);
      expect(closed.ms).toBeLessThan(exp + 1000);

      // graphql-ws's own client retries 4403, calling connectionParams again, where an app refreshes its token.
      let refreshToken = a.refreshToken;
      const connected: number[] = [];
      const closes: Array<{ code: number; reason: string }> = [];
      const client = wsClient(server, async () => {
        const res = await server.gql(`mutation ($t: String) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`, { t: refreshToken });
        refreshToken = res.body.data.refreshToken.refreshToken;
        return { authorization: `Bearer ${res.body.data.refreshToken.accessToken}` };
      }, { retryAttempts: 3, retryWait: async () => void (await sleep(50)), lazy: false, on: { connected: () => void connected.push(Date.now()), closed: (e: any) => void closes.push({ code: e.code, reason: e.reason }) } });
      client.subscribe({ query: `subscription { cartChanged { itemCount } }` }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      for (let i = 0; i < 80 && connected.length < 2; i++) await sleep(50);
      expect(closes[0]).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
      expect(connected.length).toBeGreaterThanOrEqual(2);
      await client.dispose();
    } finally {
      await server.close();
    }
  });
});

describe('periodic re-check', () => {
  it('closes a socket whose session ended without an announcement (a lost event) within SUBSCRIPTION_RECHECK', async () => {
    const server = await createTestServer({ SUBSCRIPTION_RECHECK: '1' });
    try {
      const a = await register(server, 'recheck_user');
      const s = await liveSocket(server, a.accessToken);
      // Straight in the database: no service ran, so no instance was told.
      await server.app.orm.em.fork().getConnection().execute(`update sessions set revoked_at = ? where id = ?`, [new Date(), a.sessionId]);
      const closed = await closedWithin(s, Date.now());
      expect(closed).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });
      expect(closed.ms).toBeLessThan(2500);
    } finally {
      await server.close();
    }
  });
});

describe('cart holders hear of catalogue changes', () => {
  it('renaming or repricing a product in a cart sends that cart again', async () => {
    const server = await createTestServer();
    try {
      const admin = await register(server, 'cat_admin');
      await server.app.orm.em.fork().getConnection().execute(`update users set role = 'ADMIN' where id = ?`, [admin.user.id]);
      const shopper = await register(server, 'cat_shopper');
      const id = (await server.gql(`mutation { createProduct(input: { name: "Desk Fan", priceCents: 900 }) { id } }`, {}, { token: admin.accessToken })).body.data.createProduct.id;
      await server.gql(`mutation ($p: ID!) { addToCart(productId: $p) { itemCount } }`, { p: id }, { token: shopper.accessToken });
      const s = new RawSocket(wsUrl(server));
      expect(await s.init({ accessToken: shopper.accessToken })).toBe('ack');
      s.subscribe('cart', `subscription { cartChanged { totalCents items { product { name } } } }`);
      await sleep(100);
      await server.gql(`mutation ($id: ID!) { updateProduct(id: $id, input: { name: "Desk Fan XL", priceCents: 900 }) { id } }`, { id }, { token: admin.accessToken });
      expect((await s.next((m) => m.type === 'next')).payload.data.cartChanged.items[0].product.name).toBe('Desk Fan XL');
      await server.gql(`mutation ($id: ID!) { updateProduct(id: $id, input: { name: "Desk Fan XL", priceCents: 1200 }) { id } }`, { id }, { token: admin.accessToken });
      expect((await s.next((m) => m.type === 'next')).payload.data.cartChanged.totalCents).toBe(1200);
      s.close();
    } finally {
      await server.close();
    }
  });
});
