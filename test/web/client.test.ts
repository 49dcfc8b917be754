import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import WebSocket from 'ws';
import { createTransport, type Transport } from '../../web/src/lib/apollo';
import { httpRefresher } from '../../web/src/lib/refresh';
import { AuthSession, type TokenPayload } from '../../web/src/lib/session';
import { COOKIE_MODE_HEADERS, documentHash } from '../../web/src/lib/transport';
import { MyCartDocument } from '../../web/src/features/cart/cart.documents';
import { createTestServer, type TestServer } from '../helpers/server';

/** The web app's client code (web/src/lib) against a real server: the browser's cookie jar, fetch and clock stood in for. */

const PASSWORD = 'correct horse battery';
const ME = parse('query TestMe { me { id username } }');
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken expiresIn sessionId user { id username } } }`;
const REGISTER = LOGIN.replace('login(', 'register(').replace('LoginInput', 'RegisterInput');

interface Sent {
  operationName?: string;
  query?: string;
  extensions?: { persistedQuery?: { sha256Hash?: string } };
  headers: Record<string, string>;
}

/** fetch with one host-only cookie jar, recording every GraphQL request it sends. */
function browserFetch() {
  const jar = new Map<string, string>();
  const sent: Sent[] = [];
  const fetchImpl: typeof fetch = async (input, init = {}) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    sent.push({ ...(JSON.parse(String(init.body ?? '{}')) as object), headers });
    const res = await fetch(input, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || attrs.some((a) => /max-age=0\b/i.test(a.trim()))) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  return { fetch: fetchImpl, jar, sent };
}

let server: TestServer;
beforeAll(async () => {
  // REFRESH_COOKIE stays off: the web app asks for cookie mode per request.
  server = await createTestServer({ ACCESS_TOKEN_TTL: '60' });
});
afterAll(() => server.close());

let seq = 0;
async function signedIn(documents: 'full' | 'hash' = 'full') {
  const browser = browserFetch();
  const session = new AuthSession(httpRefresher({ uri: server.url, documents, fetch: browser.fetch }), () => server.clock.now().getTime());
  const transport: Transport = createTransport({ session, uri: server.url, wsUrl: server.url.replace(/^http/, 'ws'), documents, fetch: browser.fetch, webSocketImpl: WebSocket });
  const username = `web${++seq}`;
  const res = await browser.fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...COOKIE_MODE_HEADERS },
    body: JSON.stringify({ query: REGISTER, variables: { input: { username, password: PASSWORD } } }),
  });
  const body = (await res.json()) as { data: { register: TokenPayload & { refreshToken?: string } } };
  session.signIn(body.data.register);
  return { ...browser, session, transport, username };
}

const refreshCalls = (sent: Sent[]) => sent.filter((s) => s.operationName === 'Refresh').length;
/** Past the token's exp and the server's clock tolerance. */
const expire = () => server.clock.advance(60 + server.config.jwt.clockTolerance + 1);

describe('web client (web/src/lib)', () => {
  it('gets the refresh token as an HttpOnly cookie only, when it asks for cookie mode', async () => {
    const { jar, session } = await signedIn();
    expect([...jar.keys()]).toEqual([server.config.session.cookie.name]);
    expect(session.getState()).toMatchObject({ status: 'signedIn' });
  });

  it('ten queries at an expired token share one refreshToken call, then all succeed', async () => {
    const { transport, sent, username, session } = await signedIn();
    const before = session.accessToken();
    expire();
    // Ten requests really in flight at once (Apollo would otherwise merge identical queries into one).
    const results = await Promise.all(
      Array.from({ length: 10 }, () => transport.client.query({ query: ME, fetchPolicy: 'network-only', context: { queryDeduplication: false } })),
    );
    expect(results.map((r) => (r.data as { me: { username: string } }).me.username)).toEqual(Array(10).fill(username));
    expect(refreshCalls(sent)).toBe(1);
    expect(session.accessToken()).not.toBe(before);
    // Each query went out twice (expired, then retried with the new token), and no more.
    expect(sent.filter((s) => s.operationName === 'TestMe')).toHaveLength(20);
  });

  it('a query after the refresh uses the new token without another refresh', async () => {
    const { transport, sent } = await signedIn();
    expire();
    await transport.client.query({ query: ME, fetchPolicy: 'network-only' });
    await transport.client.query({ query: ME, fetchPolicy: 'network-only' });
    expect(refreshCalls(sent)).toBe(1);
  });

  it('a failed refresh signs out with the reason, and the query keeps its error', async () => {
    const { transport, session, jar } = await signedIn();
    jar.clear(); // the cookie is gone (e.g. logged out in another tab)
    expire();
    await expect(transport.client.query({ query: ME, fetchPolicy: 'network-only' })).rejects.toThrow(/expired/i);
    expect(session.getState()).toEqual({ status: 'signedOut', reason: 'TOKEN_MISSING' });
    expect(session.accessToken()).toBeNull();
  });

  it('a session ended elsewhere signs out with TOKEN_REVOKED on the next request', async () => {
    const { transport, session } = await signedIn();
    await server.gql('mutation { logoutAll }', {}, { token: session.accessToken()! });
    await expect(transport.client.query({ query: ME, fetchPolicy: 'network-only' })).rejects.toThrow();
    expect(session.getState()).toEqual({ status: 'signedOut', reason: 'TOKEN_REVOKED' });
  });

  it('a revoked token with a newer session in the cookie (a fresh login in another tab) refreshes and carries on', async () => {
    const { transport, session, fetch: tabFetch, username, sent } = await signedIn();
    const oldToken = session.accessToken()!;
    const oldSession = (session.getState() as { sessionId: string }).sessionId;
    // Another tab of the same browser signs in afresh: the cookie now belongs to the new session.
    const again = await tabFetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...COOKIE_MODE_HEADERS },
      body: JSON.stringify({ query: LOGIN, variables: { input: { username, password: PASSWORD } } }),
    });
    const fresh = ((await again.json()) as { data: { login: TokenPayload } }).data.login;
    await server.gql(`mutation { revokeSession(id: "${oldSession}") }`, {}, { token: fresh.accessToken });
    const result = await transport.client.query({ query: ME, fetchPolicy: 'network-only' });
    expect((result.data as { me: { username: string } }).me.username).toBe(username);
    expect(session.getState()).toMatchObject({ status: 'signedIn', sessionId: fresh.sessionId });
    expect(session.accessToken()).not.toBe(oldToken);
    expect(refreshCalls(sent)).toBe(1);
  });

  it('boots signed in from the cookie alone (a reload), and signed out without one', async () => {
    const { fetch: withCookie, username } = await signedIn();
    const reloaded = new AuthSession(httpRefresher({ uri: server.url, documents: 'full', fetch: withCookie }));
    await reloaded.start();
    expect(reloaded.getState()).toMatchObject({ status: 'signedIn', viewer: { username } });

    const fresh = new AuthSession(httpRefresher({ uri: server.url, documents: 'full', fetch: browserFetch().fetch }));
    await fresh.start();
    expect(fresh.getState()).toEqual({ status: 'signedOut', reason: null });
  });

  it('boots signed out without a refresh call (no 401 in the console) when this browser never signed in, and uses the cookie once it has', async () => {
    let flag = false;
    const hint = { get: () => flag, set: (v: boolean) => void (flag = v) };
    const browser = browserFetch();
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => (calls.push(String(init?.body ?? '')), browser.fetch(input, init));
    const session = new AuthSession(httpRefresher({ uri: server.url, documents: 'full', fetch: counting }), Date.now, hint);
    await session.start();
    expect(session.getState()).toEqual({ status: 'signedOut', reason: null });
    expect(calls).toEqual([]);
    const { fetch: withCookie, username } = await signedIn();
    flag = true;
    const reloaded = new AuthSession(httpRefresher({ uri: server.url, documents: 'full', fetch: withCookie }), Date.now, hint);
    await reloaded.start();
    expect(reloaded.getState()).toMatchObject({ status: 'signedIn', viewer: { username } });
    reloaded.signOut();
    expect(flag).toBe(false);
  });

  it('a production build sends hashes only: no query text, the manifest hash of the document', async () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../web/src/gql/persisted-documents.json'), 'utf8')) as Record<string, string>;
    const { transport, sent, session } = await signedIn('hash');
    await transport.client.query({ query: MyCartDocument, fetchPolicy: 'network-only' }).catch(() => undefined);
    await session.refresh();
    const hashed = sent.filter((s) => s.operationName === 'MyCart' || s.operationName === 'Refresh');
    expect(hashed.map((s) => s.operationName).sort()).toEqual(['MyCart', 'Refresh']);
    for (const request of hashed) {
      expect(request.query).toBeUndefined();
      const hex = request.extensions?.persistedQuery?.sha256Hash;
      expect(hex).toMatch(/^[0-9a-f]{64}$/);
      const text = manifest[`sha256:${hex}`];
      expect(text).toContain(`${request.operationName === 'Refresh' ? 'mutation' : 'query'} ${request.operationName}`);
      expect(createHash('sha256').update(text).digest('hex')).toBe(hex);
      expect(documentHash(request.operationName!)).toBe(`sha256:${hex}`);
    }
  });
});
