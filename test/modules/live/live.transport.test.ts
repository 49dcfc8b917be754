import { createTestServer, register, login, type TestServer } from '../../helpers/server';
import { RawSocket, sleep, wsUrl } from '../../helpers/ws';

const LOGOUT = `mutation { logout }`;
const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id } }`;

describe('WebSocket connection init', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ WS_MAX_SOCKETS_PER_USER: '2', WS_MAX_SUBSCRIPTIONS: '2' });
  });
  afterAll(() => server.close());

  const open = (headers?: Record<string, string>) => new RawSocket(wsUrl(server), headers);

  it('accepts a socket without a token (public subscriptions only)', async () => {
    const s = open();
    expect(await s.init()).toBe('ack');
    s.close();
  });

  it('accepts the token as authorization or accessToken', async () => {
    const { accessToken } = await register(server, 'ws_ok');
    for (const payload of [{ authorization: `Bearer ${accessToken}` }, { accessToken }]) {
      const s = open();
      expect(await s.init(payload)).toBe('ack');
      s.close();
    }
  });

  it('closes a malformed or forged token with 4403 TOKEN_INVALID', async () => {
    const { accessToken } = await register(server, 'ws_forged');
    for (const payload of [{ authorization: 'Bearer not.a.jwt' }, { authorization: 'Basic abc' }, { accessToken: accessToken.slice(0, -3) + 'AAA' }]) {
      const s = open();
      expect(await s.init(payload)).toEqual({ code: 4403, reason: 'TOKEN_INVALID' });
    }
  });

  it('closes an expired token with 4403 TOKEN_EXPIRED', async () => {
    const { accessToken } = await register(server, 'ws_expired');
    server.clock.advance(16 * 60 + 31); // past the 15 min TTL and the 30 s tolerance
    try {
      expect(await open().init({ accessToken })).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
    } finally {
      server.clock.advance(-(16 * 60 + 31));
    }
  });

  it('closes the token of an ended session with 4403 TOKEN_REVOKED', async () => {
    const { accessToken } = await register(server, 'ws_revoked');
    await server.gql(LOGOUT, {}, { token: accessToken });
    expect(await open().init({ accessToken })).toEqual({ code: 4403, reason: 'TOKEN_REVOKED' });
  });

  it('closes the token of a deactivated account with 4403 ACCOUNT_DISABLED', async () => {
    const admin = await register(server, 'ws_admin');
    await server.app.orm.em.fork().getConnection().execute(`update users set role = 'ADMIN' where id = ?`, [admin.user.id]);
    const victim = await register(server, 'ws_victim');
    await server.gql(SET_ACTIVE, { id: victim.user.id, active: false }, { token: admin.accessToken });
    expect(await open().init({ accessToken: victim.accessToken })).toEqual({ code: 4403, reason: 'ACCOUNT_DISABLED' });
  });

  it('closes a socket past the per-user limit with 4429 TOO_MANY_SOCKETS', async () => {
    await register(server, 'ws_many');
    const { accessToken } = await login(server, 'ws_many');
    const [a, b, c] = [open(), open(), open()];
    expect(await a.init({ accessToken })).toBe('ack');
    expect(await b.init({ accessToken })).toBe('ack');
    expect(await c.init({ accessToken })).toEqual({ code: 4429, reason: 'TOO_MANY_SOCKETS' });
    a.close();
    await a.closed;
    // A closed socket frees its place.
    const d = open();
    expect(await d.init({ accessToken })).toBe('ack');
    b.close();
    d.close();
  });

  it('closes a socket past the per-socket subscription limit with 4429 TOO_MANY_SUBSCRIPTIONS', async () => {
    const s = open();
    expect(await s.init()).toBe('ack');
    const sub = 'subscription ($id: ID!) { productChanged(id: $id) { id } }';
    for (const id of ['a', 'b']) s.subscribe(id, sub, { id: '00000000-0000-0000-0000-000000000000' });
    await sleep(100);
    expect(s.messages.filter((m) => m.type === 'error')).toEqual([]);
    s.subscribe('c', sub, { id: '00000000-0000-0000-0000-000000000000' });
    expect(await s.closed).toEqual({ code: 4429, reason: 'TOO_MANY_SUBSCRIPTIONS' });
  });

  it('closes a socket that never sends connection_init (4408)', async () => {
    const s = open();
    await s.opened;
    expect((await s.closed).code).toBe(4408);
  }, 10_000);
});

describe('WebSocket per-address and idle limits', () => {
  const SUB = 'subscription ($id: ID!) { productChanged(id: $id) { id } }';
  const ID = { id: '00000000-0000-0000-0000-000000000000' };

  describe('with the defaults and WS_MAX_ANONYMOUS_SOCKETS_PER_IP=2', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await createTestServer({ WS_MAX_ANONYMOUS_SOCKETS_PER_IP: '2' });
    });
    afterAll(() => server.close());
    const open = () => new RawSocket(wsUrl(server));

    it('closes an anonymous socket past the per-address cap with 4429 TOO_MANY_SOCKETS; signed-in sockets do not count', async () => {
      const [a, b, c] = [open(), open(), open()];
      expect(await a.init()).toBe('ack');
      expect(await b.init()).toBe('ack');
      expect(await c.init()).toEqual({ code: 4429, reason: 'TOO_MANY_SOCKETS' });
      const { accessToken } = await register(server, 'ws_anon_cap');
      const signedIn = open();
      expect(await signedIn.init({ accessToken })).toBe('ack');
      a.close();
      await a.closed;
      // A closed socket frees its place.
      const d = open();
      expect(await d.init()).toBe('ack');
      for (const s of [b, d, signedIn]) s.close();
    });

    it('runs 20 subscriptions on a socket and refuses the 21st (WS_MAX_SUBSCRIPTIONS default)', async () => {
      const s = open();
      expect(await s.init()).toBe('ack');
      for (let i = 1; i <= 20; i++) s.subscribe(`s${i}`, SUB, ID);
      await sleep(200);
      expect(s.messages.filter((m) => m.type === 'error')).toEqual([]);
      let closed = false;
      void s.closed.then(() => (closed = true));
      expect(closed).toBe(false);
      s.subscribe('s21', SUB, ID);
      expect(await s.closed).toEqual({ code: 4429, reason: 'TOO_MANY_SUBSCRIPTIONS' });
    });
  });

  describe('with WS_IDLE_TIMEOUT=1', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await createTestServer({ WS_IDLE_TIMEOUT: '1' });
    });
    afterAll(() => server.close());
    const open = () => new RawSocket(wsUrl(server));

    it('closes a socket holding no subscription (1000 IDLE_TIMEOUT), anonymous or signed in; one with a subscription stays', async () => {
      const { accessToken } = await register(server, 'ws_idle');
      const [idle, signedIn, busy] = [open(), open(), open()];
      expect(await idle.init()).toBe('ack');
      expect(await signedIn.init({ accessToken })).toBe('ack');
      expect(await busy.init()).toBe('ack');
      busy.subscribe('p', SUB, ID);
      let busyClosed = false;
      void busy.closed.then(() => (busyClosed = true));
      expect(await idle.closed).toEqual({ code: 1000, reason: 'IDLE_TIMEOUT' });
      expect(await signedIn.closed).toEqual({ code: 1000, reason: 'IDLE_TIMEOUT' });
      await sleep(1500);
      expect(busyClosed).toBe(false);
      // Once its subscription completes, it is idle too.
      busy.send({ id: 'p', type: 'complete' });
      expect(await busy.closed).toEqual({ code: 1000, reason: 'IDLE_TIMEOUT' });
    }, 15_000);
  });
});

describe('WebSocket operations', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ GRAPHQL_MAX_DEPTH: '3' });
  });
  afterAll(() => server.close());

  it('serves only subscriptions: a query or mutation over the socket is a BAD_REQUEST error', async () => {
    const s = new RawSocket(wsUrl(server));
    await s.init();
    s.subscribe('q', '{ __typename }');
    const err = await s.next((m) => m.id === 'q');
    expect(err.type).toBe('error');
    expect(err.payload[0].extensions.code).toBe('BAD_REQUEST');
    s.subscribe('m', 'mutation { logoutAll }');
    expect((await s.next((m) => m.id === 'm')).payload[0].extensions.code).toBe('BAD_REQUEST');
    s.close();
  });

  it('answers syntax errors, validation errors and limits with the HTTP codes, on that operation only', async () => {
    const s = new RawSocket(wsUrl(server));
    await s.init();
    s.subscribe('a', 'subscription { ');
    expect((await s.next((m) => m.id === 'a')).payload[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    s.subscribe('b', 'subscription { nope }');
    expect((await s.next((m) => m.id === 'b')).payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const limited = async (id: string, query: string, limit: string) => {
      s.subscribe(id, query);
      expect((await s.next((m) => m.id === id)).payload[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit });
    };
    await limited('c', `subscription { cartChanged { ${Array.from({ length: 40 }, (_, i) => `a${i}: itemCount`).join(' ')} } }`, 'ALIASES');
    await limited('d', `subscription { cartChanged { ${'itemCount @skip(if: false) '.repeat(30)} } }`, 'DIRECTIVES');
    await limited('e', `subscription { ${'__typename '.repeat(2100)} }`, 'TOKENS');
    await limited('f', `# ${'x'.repeat(40_000)}\nsubscription { cartChanged { itemCount } }`, 'DOCUMENT_BYTES');
    // The socket is still open and usable.
    s.send({ type: 'ping' });
    expect((await s.next((m) => m.type === 'pong')).type).toBe('pong');
    s.close();
  });

  it('closes only the offending socket on garbage frames; the server keeps serving', async () => {
    const good = new RawSocket(wsUrl(server));
    expect(await good.init()).toBe('ack');
    for (const garbage of ['not json', '{"type":"nope"}', '[1,2,3]', '{"id":1,"type":"subscribe"}', Buffer.alloc(64, 0xff).toString('latin1')]) {
      const bad = new RawSocket(wsUrl(server));
      await bad.init();
      bad.send(garbage);
      expect((await bad.closed).code).toBe(4400);
    }
    good.send({ type: 'ping' });
    expect((await good.next((m) => m.type === 'pong')).type).toBe('pong');
    expect((await server.gql('{ __typename }')).status).toBe(200);
    good.close();
  });

  it('closes a socket that sends a message over the size limit (1009), logged as a warning by our logger, not console.error', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(server.app.logger, 'warn');
    try {
      const s = new RawSocket(wsUrl(server));
      await s.init();
      s.send({ id: 'big', type: 'subscribe', payload: { query: `subscription { __typename } # ${'x'.repeat(200 * 1024)}` } });
      expect((await s.closed).code).toBe(1009);
      await sleep(50);
      expect(consoleError).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith('websocket: client protocol error', expect.objectContaining({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }));
    } finally {
      consoleError.mockRestore();
      warn.mockRestore();
    }
  });

  it('refuses a second connection_init with 4429', async () => {
    const s = new RawSocket(wsUrl(server));
    await s.init();
    s.send({ type: 'connection_init' });
    expect((await s.closed).code).toBe(4429);
  });
});

describe('WebSocket upgrade guard', () => {
  it('refuses a cross-site browser upgrade with 403 before the socket opens, and allows same-origin and listed origins', async () => {
    const server = await createTestServer({ CORS_ORIGINS: 'https://app.example' });
    try {
      const host = new URL(server.url).host;
      await expect(new RawSocket(wsUrl(server), { origin: 'https://evil.example' }).opened).rejects.toMatchObject({ status: 403 });
      expect(await new RawSocket(wsUrl(server), { origin: `http://${host}` }).init()).toBe('ack');
      expect(await new RawSocket(wsUrl(server), { origin: 'https://app.example' }).init()).toBe('ack');
    } finally {
      await server.close();
    }
  });

  it('limits connection attempts per address with 429 and Retry-After', async () => {
    const server = await createTestServer({ RATE_WS_IP_MAX: '3', RATE_WS_IP_WINDOW: '60' });
    try {
      for (let i = 0; i < 3; i++) expect(await new RawSocket(wsUrl(server)).init()).toBe('ack');
      const refused = new RawSocket(wsUrl(server)).opened;
      await expect(refused).rejects.toMatchObject({ status: 429 });
      const err = await refused.catch((e) => e);
      expect(Number(err.headers['retry-after'])).toBeGreaterThan(0);
      // Plain HTTP on the same path is not counted.
      expect((await server.gql('{ __typename }')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('closes open sockets with 1001 when the server stops', async () => {
    const server = await createTestServer();
    const s = new RawSocket(wsUrl(server));
    expect(await s.init()).toBe('ack');
    const stopped = server.close();
    expect((await s.closed).code).toBe(1001);
    await stopped;
  });
});
