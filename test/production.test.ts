import { loadConfig } from '../src/config';
import { createTestServer, LOGIN, register, TEST_SECRET, type TestServer } from './helpers/server';
import { RawSocket, wsUrl } from './helpers/ws';

const INTROSPECTION = '{ __schema { types { name } } }';
const TYPE_QUERY = '{ __type(name: "User") { name fields { name } } }';

/** GET /graphql as a browser asks for a page. */
async function browserGet(server: TestServer) {
  const res = await server.http('/graphql', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

const noStack = (body: unknown) => {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace/i);
  expect(text).not.toMatch(/\\n\s+at /);
  expect(text).not.toMatch(/\/work\/|node_modules|\.ts:\d+/);
};

describe('production server', () => {
  let prod: TestServer;
  let dev: TestServer;
  beforeAll(async () => {
    [prod, dev] = await Promise.all([
      createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
      createTestServer({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([prod?.close(), dev?.close()]);
  });

  it('runs as production', () => {
    expect(prod.config.env).toBe('production');
    expect(prod.config.introspection).toBe(false);
    expect(prod.config.landingPage).toBe(false);
  });

  it('does not serve the Sandbox landing page', async () => {
    const page = await browserGet(prod);
    expect(page.contentType).not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/<html|<!doctype|<script/i);
    expect(page.text).not.toMatch(/sandbox|embeddable|apollographql\.com/i);
  });

  it('serves the landing page in development (control)', async () => {
    const page = await browserGet(dev);
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/text\/html/);
    expect(page.text).toMatch(/sandbox|apollo/i);
  });

  it('refuses introspection with a 400 validation error', async () => {
    for (const query of [INTROSPECTION, TYPE_QUERY]) {
      const res = await prod.gql(query);
      expect(res.status).toBe(400);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      noStack(res.body);
    }
    // __typename is not introspection of the schema and still answers.
    expect((await prod.gql('{ __typename }')).body.data).toEqual({ __typename: 'Query' });
  });

  it('answers introspection in development (control)', async () => {
    const res = await dev.gql(INTROSPECTION);
    expect(res.status).toBe(200);
    expect(res.body.data.__schema.types.map((t: { name: string }) => t.name)).toContain('User');
  });

  it('hides field suggestions', async () => {
    for (const query of ['{ mee { id } }', '{ me { idd } }', '{ usrs { totalCount } }']) {
      const res = await prod.gql(query);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(res.body)).not.toMatch(/did you mean/i);
    }
    // Development keeps them, so the check above is not vacuous.
    expect(JSON.stringify((await dev.gql('{ mee { id } }')).body)).toMatch(/did you mean/i);
  });

  it('hides every form of suggestion: enum values, arguments, input fields, types, fragments, variables', async () => {
    const cases: Array<[string, Record<string, unknown>?]> = [
      ['{ auditEvents(type: LOGIN_FAILE) { totalCount } }'],
      ['query($t: AuditEventType) { auditEvents(type: $t) { totalCount } }', { t: 'LOGIN_FAILE' }],
      ['query($t: AuditEventTyp) { auditEvents(type: $t) { totalCount } }'],
      ['{ auditEvents(typ: LOGIN_FAILED) { totalCount } }'],
      ['mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { usernam: 'a', password: 'b' } }],
      ['mutation { login(input: { usernam: "a", password: "b" }) { accessToken } }'],
    ];
    for (const [query, variables] of cases) {
      const res = await prod.gql(query, variables);
      expect(res.body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toMatch(/did you mean|LOGIN_FAILED|LOGIN_LOCKED|AuditEventType"|"username"/i);
      // Development keeps them, so each case above does carry a suggestion.
      expect(JSON.stringify((await dev.gql(query, variables)).body)).toMatch(/did you mean/i);
    }
  });

  it('hides suggestions over WebSocket too', async () => {
    const socket = new RawSocket(wsUrl(prod));
    expect(await socket.init()).toBe('ack');
    socket.subscribe('1', 'subscription($t: AuditEventTyp) { productChanged(id: "x") { nam } }');
    const error = await socket.next((m) => m.type === 'error');
    expect(error.payload.length).toBeGreaterThan(0);
    expect(JSON.stringify(error.payload)).not.toMatch(/did you mean|"name"|AuditEventType"/i);
    socket.close();
  });

  it('sends HSTS and nosniff, and a locked-down CSP since Sandbox is off', async () => {
    for (const path of ['/graphql', '/healthz', '/nowhere']) {
      const res = await prod.http(path, path === '/graphql' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' } : {});
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const devRes = await dev.http('/healthz');
    expect(devRes.headers.get('strict-transport-security')).toBeNull();
    expect(devRes.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never puts a stack trace in an error', async () => {
    await register(prod, 'alice');
    const responses = [
      await prod.gql('{ me { id '),
      await prod.gql('{ nope }'),
      await prod.gql('{ me { id } }'),
      await prod.gql('{ me { id } }', undefined, { token: 'not.a.token' }),
      await prod.gql(LOGIN, { input: { username: 'alice', password: 'wrong password' } }),
      await prod.gql(LOGIN, { input: { username: 'alice', password: 42 } }),
      await prod.gql('query ($n: Int) { users(first: $n) { totalCount } }', { n: 'x' }),
    ];
    for (const res of responses) {
      expect(res.body.errors?.length).toBeGreaterThan(0);
      for (const e of res.body.errors!) expect(e.extensions).not.toHaveProperty('stacktrace');
      noStack(res.body);
    }
    const bad = await prod.http('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(bad.status).toBe(400);
    noStack(await bad.json());
  });

  it('re-enables introspection with GRAPHQL_INTROSPECTION=true', async () => {
    const server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', GRAPHQL_INTROSPECTION: 'true' });
    try {
      const res = await server.gql(INTROSPECTION);
      expect(res.status).toBe(200);
      expect(res.body.data.__schema.types.map((t: { name: string }) => t.name)).toContain('AuthPayload');
      expect((await browserGet(server)).contentType).not.toMatch(/text\/html/);
    } finally {
      await server.close();
    }
  });
});

describe('production configuration', () => {
  const env = { NODE_ENV: 'production', DATABASE_URL: 'sqlite::memory:', DATA_DIR: '/nonexistent-data-dir' };

  it('refuses to start without JWT_SECRET, naming it', () => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('JWT_SECRET');
  });

  it('refuses an empty or short JWT_SECRET and accepts a 32-byte one', () => {
    expect(() => loadConfig({ ...env, JWT_SECRET: '' })).toThrow(TypeError);
    expect(() => loadConfig({ ...env, JWT_SECRET: 'x'.repeat(31) })).toThrow(TypeError);
    expect(loadConfig({ ...env, JWT_SECRET: 'x'.repeat(32) }).env).toBe('production');
    expect(loadConfig({ ...env, JWT_SECRET: TEST_SECRET }).introspection).toBe(false);
  });
});
