import { RefreshToken } from '../../../src/modules/session/refresh-token.entity';
import { createTestServer, LOGIN, ME, REFRESH, REGISTER, type TestServer } from '../../helpers/server';

const LOGOUT = `mutation { logout }`;
const COOKIE = '__Secure-tokengate-refresh';
const PASSWORD = 'correct horse battery';

interface Reply {
  status: number;
  body: { data?: any; errors?: Array<{ extensions?: Record<string, any> }> };
  setCookies: string[];
}

interface Cookie {
  name: string;
  value: string;
  attrs: Record<string, string | true>;
}

function parseSetCookie(header: string): Cookie {
  const [pair, ...rest] = header.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const attrs: Record<string, string | true> = {};
  for (const part of rest) {
    const i = part.indexOf('=');
    attrs[(i < 0 ? part : part.slice(0, i)).toLowerCase()] = i < 0 ? true : part.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attrs };
}

let server: TestServer;
let selfOrigin: string;
beforeAll(async () => {
  server = await createTestServer({ REFRESH_COOKIE: 'true' });
  selfOrigin = new URL(server.url).origin;
});
afterAll(() => server.close());

async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Reply['body'], setCookies: res.headers.getSetCookie() };
}

/** The single refresh cookie a response set. */
function refreshCookie(reply: Reply): Cookie {
  const cookies = reply.setCookies.map(parseSetCookie).filter((c) => c.name === COOKIE);
  expect(cookies).toHaveLength(1);
  return cookies[0];
}

const withCookie = (value: string, extra: Record<string, string> = {}) => ({ cookie: `${COOKIE}=${value}`, ...extra });
const err = (reply: Reply) => reply.body.errors?.[0]?.extensions ?? {};

let seq = 0;
async function signIn(): Promise<{ accessToken: string; sessionId: string; cookie: string }> {
  const username = `cookie${++seq}`;
  await post(REGISTER, { input: { username, password: PASSWORD } });
  const reply = await post(LOGIN, { input: { username, password: PASSWORD } });
  expect(reply.body.errors).toBeUndefined();
  const { accessToken, sessionId } = reply.body.data.login;
  return { accessToken, sessionId, cookie: refreshCookie(reply).value };
}

describe('refresh token in an HttpOnly cookie', () => {
  it('login and register set a host-only, HttpOnly, SameSite=Strict, Secure cookie on /graphql and return no refresh token', async () => {
    expect(server.config.session.cookie.name).toBe(COOKIE);
    const input = { username: 'cookie-login', password: PASSWORD };
    const registered = await post(REGISTER, { input });
    const loggedIn = await post(LOGIN, { input });
    for (const [reply, payload] of [[registered, registered.body.data?.register], [loggedIn, loggedIn.body.data?.login]] as const) {
      expect(reply.body.errors).toBeUndefined();
      expect(payload.refreshToken).toBeNull();
      const cookie = refreshCookie(reply);
      expect(cookie.value).toMatch(/^tgr_/);
      expect(cookie.attrs.httponly).toBe(true);
      expect(cookie.attrs.secure).toBe(true);
      expect(cookie.attrs.samesite).toBe('Strict');
      expect(cookie.attrs.path).toBe('/graphql');
      expect(cookie.attrs.domain).toBeUndefined();
      expect(Number(cookie.attrs['max-age'])).toBeGreaterThan(0);
      expect(Number(cookie.attrs['max-age'])).toBe(payload.refreshExpiresIn);
    }
    expect(refreshCookie(loggedIn).value).not.toBe(refreshCookie(registered).value);
  });

  it('refreshToken without an argument spends the cookie and sets the next one', async () => {
    const first = await signIn();
    const reply = await post(REFRESH, {}, withCookie(first.cookie));
    expect(reply.status).toBe(200);
    expect(reply.body.errors).toBeUndefined();
    const payload = reply.body.data.refreshToken;
    expect(payload.refreshToken).toBeNull();
    expect(payload.sessionId).toBe(first.sessionId);
    expect(payload.accessToken).not.toBe(first.accessToken);
    const next = refreshCookie(reply);
    expect(next.value).not.toBe(first.cookie);
    expect(next.attrs.httponly).toBe(true);
    expect(Number(next.attrs['max-age'])).toBeGreaterThan(0);

    const me = await server.gql(ME, {}, { token: payload.accessToken });
    expect(me.status).toBe(200);
    const again = await post(REFRESH, {}, withCookie(next.value));
    expect(again.body.data.refreshToken.sessionId).toBe(first.sessionId);
  });

  it('refreshToken without an argument or a cookie is TOKEN_MISSING', async () => {
    const reply = await post(REFRESH, {});
    expect(reply.status).toBe(401);
    expect(err(reply)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['sec-fetch-site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses to spend the cookie on a request with %s, leaving it usable', async (_label, headers) => {
    const first = await signIn();
    for (const query of [REFRESH, LOGOUT]) {
      const reply = await post(query, {}, withCookie(first.cookie, headers));
      expect(reply.status).toBe(403);
      expect(err(reply)).toMatchObject({ code: 'FORBIDDEN', reason: 'CROSS_SITE_REQUEST' });
      expect(reply.setCookies.map(parseSetCookie).filter((c) => c.name === COOKIE)).toEqual([]);
    }
    const em = server.app.orm.em.fork();
    expect(await em.count(RefreshToken, { sessionId: first.sessionId })).toBe(1);
    expect(await em.count(RefreshToken, { sessionId: first.sessionId, usedAt: null })).toBe(1);
    expect((await server.gql(ME, {}, { token: first.accessToken })).status).toBe(200);

    server.clock.advance(11); // past the grace window, so only an unspent cookie can still rotate
    const retry = await post(REFRESH, {}, withCookie(first.cookie, { origin: selfOrigin, 'sec-fetch-site': 'same-origin' }));
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.refreshToken.sessionId).toBe(first.sessionId);
    expect(refreshCookie(retry).value).not.toBe(first.cookie);
  });

  it('logout with the cookie clears it and ends the session', async () => {
    const first = await signIn();
    const reply = await post(LOGOUT, {}, withCookie(first.cookie));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: { logout: true } });
    const cleared = refreshCookie(reply);
    expect(cleared.value).toBe('');
    expect(cleared.attrs['max-age']).toBe('0');
    expect(cleared.attrs.path).toBe('/graphql');

    const me = await server.gql(ME, {}, { token: first.accessToken });
    expect(me.status).toBe(401);
    expect(me.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    const refresh = await post(REFRESH, {}, withCookie(first.cookie));
    expect(err(refresh)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
  });
});
