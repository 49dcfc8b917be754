import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/lib/logger';
import { freshDatabase } from '../helpers/database';
import { LOGIN, ME, REFRESH, REGISTER, TEST_SECRET } from '../helpers/server';
import { RawSocket } from '../helpers/ws';

const CREATE_API_TOKEN = `mutation ($name: String!, $scopes: [String!]!, $days: Int!) { createApiToken(name: $name, scopes: $scopes, expiresInDays: $days) { token apiToken { id prefix } } }`;

/** A pino destination that keeps every JSON line. */
function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger redaction', () => {
  it('censors credentials passed by mistake, and keeps an error stack for operators', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info('oops', {
      password: 'pw-top-level-1',
      input: { password: 'pw-nested-2', newPassword: 'pw-new-3', currentPassword: 'pw-cur-4' },
      token: 'tok-5',
      payload: { accessToken: 'acc-6', refreshToken: 'ref-7' },
      req: { headers: { authorization: 'Bearer auth-8', cookie: 'c=cookie-9' } },
      body: { variables: { secret: 'var-10' } },
      created: { token: 'tg_pat_created-11', apiToken: { name: 'kept-name' } },
      request: { req: { headers: { authorization: 'Bearer tg_pat_deep-12' } } },
      ws: { connectionParams: { authorization: 'Bearer tg_pat_ws-13' }, payload: { accessToken: 'tg_pat_ws-14' } },
      keep: 'visible-value',
    });
    logger.error('failed', new Error('boom'));
    const text = lines.join('');
    for (const secret of ['pw-top-level-1', 'pw-nested-2', 'pw-new-3', 'pw-cur-4', 'tok-5', 'acc-6', 'ref-7', 'auth-8', 'cookie-9', 'var-10', 'created-11', 'deep-12', 'ws-13', 'ws-14']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('visible-value');
    const [info, error] = lines.map((l) => JSON.parse(l));
    expect(info.msg).toBe('oops');
    expect(info.password).toBe('[redacted]');
    expect(error.err.stack).toMatch(/boom/);
  });

  it('writes nothing when silent, and drops info below warn', () => {
    const silent = capture();
    createLogger('silent', silent.stream).error('x', new Error('y'));
    expect(silent.lines).toHaveLength(0);
    const warn = capture();
    const logger = createLogger('warn', warn.stream);
    logger.info('dropped');
    logger.warn('kept');
    expect(warn.lines.map((l) => JSON.parse(l).msg)).toEqual(['kept']);
  });
});

describe('request logs of a real server', () => {
  const { lines, stream } = capture();
  let app: App;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const config = loadConfig({
      NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATABASE_URL: db.url, DATA_DIR: '/nonexistent-data-dir',
      ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', LOG_LEVEL: 'info',
    });
    app = await createApp(config, { logger: createLogger('info', stream) });
    url = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app.stop();
    await drop();
  });

  const post = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const parsed = () => lines.map((l) => JSON.parse(l));
  /** The access-log line is written on 'finish', which may come just after the client has the response. */
  async function requestLine(reqId: string) {
    for (let i = 0; i < 50; i++) {
      const found = parsed().find((l) => l.msg === 'request' && l.reqId === reqId);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request line with reqId ${reqId}`);
  }

  it('never logs a password, token, cookie or Authorization header, and tags request lines with the request id', async () => {
    const password = 'pass-phrase-Sentinel-4711';
    const wrong = 'wrong-phrase-Sentinel-0815';
    const cookieValue = 'cookie-value-Sentinel-9f3e';
    const reqId = 'trace-abc.123_XYZ';

    const reg = await post(REGISTER, { input: { username: 'logged_user', password } });
    const issued = reg.body.data.register;
    const good = await post(LOGIN, { input: { username: 'logged_user', password } });
    const bad = await post(LOGIN, { input: { username: 'logged_user', password: wrong } });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_CREDENTIALS');
    const authorization = `Bearer ${good.body.data.login.accessToken}`;
    const me = await post(ME, undefined, { authorization, cookie: `theme=dark; tokengate-refresh=${cookieValue}`, 'x-request-id': reqId });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-request-id')).toBe(reqId);
    const refreshed = await post(REFRESH, { token: good.body.data.login.refreshToken });
    const badBearer = await post(ME, undefined, { authorization: 'Bearer invalid.token-Sentinel.value' });
    expect(badBearer.status).toBe(401);

    const line = await requestLine(reqId);
    expect(line).toMatchObject({ msg: 'request', reqId, method: 'POST', path: '/graphql', status: 200 });
    expect(typeof line.ms).toBe('number');

    const secrets = [
      password, wrong, cookieValue, authorization, 'invalid.token-Sentinel.value',
      issued.accessToken, issued.refreshToken,
      good.body.data.login.accessToken, good.body.data.login.refreshToken,
      refreshed.body.data.refreshToken.accessToken, refreshed.body.data.refreshToken.refreshToken,
    ];
    // Six requests, six access-log lines at least; every line is JSON.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const requests = parsed().filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const r of requests) {
      expect(typeof r.reqId).toBe('string');
      expect(r.reqId.length).toBeGreaterThan(0);
      expect(Number.isInteger(r.status)).toBe(true);
    }
    const text = lines.join('');
    for (const secret of secrets) {
      expect(typeof secret).toBe('string');
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('Sentinel');
  });

  it('never logs an API token: created, used, unknown, malformed, over HTTP and WebSocket', async () => {
    const password = 'pass-phrase-Sentinel-4712';
    await post(REGISTER, { input: { username: 'token_user', password } });
    const jwt = (await post(LOGIN, { input: { username: 'token_user', password } })).body.data.login.accessToken;
    const created = await post(CREATE_API_TOKEN, { name: 'ci', scopes: [], days: 30 }, { authorization: `Bearer ${jwt}` });
    const secret: string = created.body.data.createApiToken.token;
    expect(secret).toMatch(/^tg_pat_[A-Za-z0-9_-]{48}$/);
    expect((await post(ME, undefined, { authorization: `Bearer ${secret}` })).status).toBe(200);
    const unknown = `tg_pat_${'S'.repeat(40)}Sentinel`;
    expect((await post(ME, undefined, { authorization: `Bearer ${unknown}` })).status).toBe(401);
    expect((await post(ME, undefined, { authorization: 'Bearer tg_pat_short-Sentinel' })).status).toBe(401);
    const socket = new RawSocket(url.replace(/^http/, 'ws'));
    expect(await socket.init({ authorization: `Bearer ${secret}` })).toBe('ack');
    socket.close();
    await socket.closed;
    await app.services.apiTokens.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = lines.join('');
    for (const value of [secret, secret.slice(7), unknown, jwt, password]) expect(text).not.toContain(value);
    expect(text).not.toContain('Sentinel');
  });

  it('logs the path of a GET without its query string', async () => {
    const params = new URLSearchParams({ query: '{ __typename } # qs-secret-Q9', access_token: 'qs-secret-Q9' });
    const res = await fetch(`${url}?${params}`, { headers: { 'apollo-require-preflight': 'true', 'x-request-id': 'get-with-qs' } });
    expect(res.status).toBe(200);
    expect(await requestLine('get-with-qs')).toMatchObject({ method: 'GET', path: '/graphql', status: 200 });
    expect(lines.join('')).not.toContain('qs-secret-Q9');
  });

  it('replaces an unsafe x-request-id instead of logging it', async () => {
    const hostile = 'evil"id\\n{"level":60}';
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': hostile }, body: '{"query":"{ __typename }"}' });
    const echoed = res.headers.get('x-request-id')!;
    expect(echoed).not.toBe(hostile);
    expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    expect((await requestLine(echoed)).status).toBe(200);
    expect(lines.join('')).not.toContain('evil');
  });
});
