import { createTestServer, firstError, login, LOGIN, register, REFRESH, type TestServer } from '../../helpers/server';
import { RawSocket, wsUrl, type Closed } from '../../helpers/ws';

const PASSWORD = 'correct horse battery';
const MY_SESSIONS = `{ mySessions { id } }`;
const AUDIT = `query ($userId: ID) { auditEvents(first: 100, userId: $userId, type: SESSION_REVOKED) { edges { node { sessionId detail } } } }`;

describe('SESSION_MAX_PER_USER', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ SESSION_MAX_PER_USER: '3' });
  });
  afterAll(() => server.close());

  it('ends the oldest live session when a login passes the cap (that account’s only): audited, its refresh token refused, its socket closed', async () => {
    const other = await register(server, 'uncapped', PASSWORD);
    const first = await register(server, 'capped', PASSWORD);
    const socket = new RawSocket(wsUrl(server));
    expect(await socket.init({ accessToken: first.accessToken })).toBe('ack');
    socket.subscribe('cart', `subscription { cartChanged { itemCount } }`);
    const second = await login(server, 'capped', PASSWORD);
    await login(server, 'capped', PASSWORD);
    const fourth = await login(server, 'capped', PASSWORD);

    const live = (await server.gql(MY_SESSIONS, {}, { token: fourth.accessToken })).body.data.mySessions.map((s: { id: string }) => s.id);
    expect(live).toHaveLength(3);
    expect(live).not.toContain(first.sessionId);
    expect(live).toContain(second.sessionId);
    expect((await server.gql(MY_SESSIONS, {}, { token: other.accessToken })).body.data.mySessions).toHaveLength(1);
    expect(firstError(await server.gql(REFRESH, { token: first.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    const closed = await Promise.race([socket.closed, new Promise<Closed>((r) => setTimeout(() => r({ code: 0, reason: 'still open' }), 3000))]);
    expect(closed).toMatchObject({ code: 4403, reason: 'TOKEN_REVOKED' });

    await server.app.services.audit.flush();
    const admin = await register(server, 'cap_admin', PASSWORD);
    await server.app.orm.em.fork().getConnection().execute(`update users set role = 'ADMIN' where id = ?`, [admin.user.id]);
    const events = (await server.gql(AUDIT, { userId: first.user.id }, { token: (await login(server, 'cap_admin', PASSWORD)).accessToken })).body.data.auditEvents.edges;
    expect(events.map((e: any) => ({ ...e.node, detail: JSON.parse(e.node.detail) }))).toEqual([{ sessionId: first.sessionId, detail: { reason: 'SESSION_LIMIT', limit: 3 } }]);
  });
});

describe('successful logins per client (RATE_LOGIN_SUCCESS_IP_MAX)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ RATE_LOGIN_SUCCESS_IP_MAX: '3', RATE_LOGIN_IP_MAX: '1000', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    await register(server, 'often', PASSWORD);
  });
  afterAll(() => server.close());

  const attempt = async (password: string, ip = '127.0.0.1') => firstError(await server.gql(LOGIN, { input: { username: 'often', password } }, { headers: { 'x-forwarded-for': ip } })).code ?? 'OK';

  it('refuses a client its 4th correct login in the window, while wrong passwords never spent that budget', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt('wrong password')).toBe('BAD_CREDENTIALS');
    for (let i = 0; i < 3; i++) expect(await attempt(PASSWORD)).toBe('OK');
    expect(await attempt(PASSWORD)).toBe('RATE_LIMITED');
  });
});
