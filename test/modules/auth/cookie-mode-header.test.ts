import { createTestServer, LOGIN, ME, REFRESH, REGISTER, type TestServer } from '../../helpers/server';

/**
 * Cookie mode for one client: with REFRESH_COOKIE off (the default), a browser app that sends
 * `Tokengate-Refresh: cookie` gets the refresh token only as the HttpOnly cookie, and may spend it without an argument.
 * Every other client keeps the refresh token in the payload, as before.
 */

const HEADER = { 'tokengate-refresh': 'cookie' };
const COOKIE = 'tokengate-refresh';
const PASSWORD = 'correct horse battery';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer({ REFRESH_COOKIE_SECURE: 'false' });
});
afterAll(() => server.close());

async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const cookies = res.headers.getSetCookie().filter((c) => c.startsWith(`${COOKIE}=`));
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> }, cookies };
}
const value = (setCookie: string) => setCookie.slice(COOKIE.length + 1, setCookie.indexOf(';'));

let seq = 0;
const input = () => ({ username: `hdr${++seq}`, password: PASSWORD });

describe('Tokengate-Refresh: cookie (cookie mode per request)', () => {
  it('is off for clients that do not ask: the refresh token is in the payload, no cookie', async () => {
    expect(server.config.session.cookie.enabled).toBe(false);
    const reply = await post(REGISTER, { input: input() });
    expect(reply.body.data.register.refreshToken).toMatch(/^tgr_/);
    expect(reply.cookies).toEqual([]);
  });

  it('register and login that ask get an HttpOnly, SameSite=Strict cookie on /graphql and no refresh token', async () => {
    const credentials = input();
    for (const reply of [await post(REGISTER, { input: credentials }, HEADER), await post(LOGIN, { input: credentials }, HEADER)]) {
      const payload = reply.body.data.register ?? reply.body.data.login;
      expect(payload.refreshToken).toBeNull();
      expect(reply.cookies).toHaveLength(1);
      expect(reply.cookies[0]).toMatch(/HttpOnly/);
      expect(reply.cookies[0]).toMatch(/SameSite=Strict/);
      expect(reply.cookies[0]).toMatch(/Path=\/graphql/);
    }
  });

  it('refreshToken without an argument spends the cookie only when the header is sent', async () => {
    const login = await post(REGISTER, { input: input() }, HEADER);
    const cookie = `${COOKIE}=${value(login.cookies[0])}`;
    const ignored = await post(REFRESH, {}, { cookie });
    expect(ignored.status).toBe(401);
    expect(ignored.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });

    const refreshed = await post(REFRESH, {}, { ...HEADER, cookie });
    expect(refreshed.body.errors).toBeUndefined();
    expect(refreshed.body.data.refreshToken.refreshToken).toBeNull();
    expect(value(refreshed.cookies[0])).not.toBe(value(login.cookies[0]));
    expect((await server.gql(ME, {}, { token: refreshed.body.data.refreshToken.accessToken })).status).toBe(200);
  });

  it('still refuses to spend the cookie cross-site', async () => {
    const login = await post(REGISTER, { input: input() }, HEADER);
    const reply = await post(REFRESH, {}, { ...HEADER, cookie: `${COOKIE}=${value(login.cookies[0])}`, origin: 'https://evil.example' });
    expect(reply.status).toBe(403);
    expect(reply.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CROSS_SITE_REQUEST' });
  });

  it('logout with the header ends the cookie session and clears the cookie', async () => {
    const login = await post(REGISTER, { input: input() }, HEADER);
    const reply = await post('mutation { logout }', {}, { ...HEADER, cookie: `${COOKIE}=${value(login.cookies[0])}` });
    expect(reply.body).toEqual({ data: { logout: true } });
    expect(reply.cookies[0]).toMatch(/Max-Age=0/);
    const me = await server.gql(ME, {}, { token: login.body.data.register.accessToken });
    expect(me.body.errors?.[0]?.extensions).toMatchObject({ reason: 'TOKEN_REVOKED' });
  });

  it('any other value is not cookie mode', async () => {
    const reply = await post(REGISTER, { input: input() }, { 'tokengate-refresh': 'yes' });
    expect(reply.body.data.register.refreshToken).toMatch(/^tgr_/);
    expect(reply.cookies).toEqual([]);
  });
});
