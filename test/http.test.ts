import { createTestServer, login, register, REGISTER, type TestServer } from './helpers/server';

interface RawResult {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

describe('malformed HTTP requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  async function send(path: string, init: RequestInit = {}): Promise<RawResult> {
    const res = await server.http(path, init);
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
  }

  const post = (body: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
    send('/graphql', { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });

  /** What every one of these answers must be: JSON in the GraphQL error shape, never HTML, never a 500, never a stack. */
  function expectJsonError(res: RawResult, status: number | number[], code?: string) {
    expect(Array.isArray(status) ? status : [status]).toContain(res.status);
    expect(res.status).not.toBe(500);
    expect(res.contentType).toMatch(/^application\/(graphql-response\+)?json/);
    expect(res.text).not.toMatch(/<html|<!doctype|<pre>/i);
    expect(res.text.toLowerCase()).not.toContain('stacktrace');
    expect(res.text).not.toMatch(/\n\s+at /);
    expect(res.json?.errors?.length).toBeGreaterThan(0);
    expect(res.json.data ?? null).toBeNull();
    if (code) expect(res.json.errors[0].extensions?.code).toBe(code);
  }

  it('answers invalid JSON with 400 BAD_REQUEST', async () => {
    expectJsonError(await post('{"query": "{ __typename }"'), 400, 'BAD_REQUEST');
    expectJsonError(await post('not json at all'), 400, 'BAD_REQUEST');
  });

  it('refuses text/plain (a CSRF-able simple request) with 400 JSON and runs nothing', async () => {
    const query = `mutation { register(input: { username: "csrf_victim", password: "correct horse battery" }) { sessionId } }`;
    expectJsonError(await post(JSON.stringify({ query }), 'text/plain'), 400);
    expectJsonError(await post(JSON.stringify({ query }), 'application/x-www-form-urlencoded'), 400);
    await expect(login(server, 'csrf_victim')).rejects.toThrow(/BAD_CREDENTIALS/);
  });

  it('refuses application/xml with 400 JSON', async () => {
    expectJsonError(await post('<query>{ __typename }</query>', 'application/xml'), 400);
  });

  it('refuses a POST without a body or with an empty object with 400 JSON', async () => {
    expectJsonError(await post(''), 400);
    expectJsonError(await post('{}'), 400);
    expectJsonError(await post('"just a string"'), 400);
  });

  it('answers a GraphQL syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    expectJsonError(await post(JSON.stringify({ query: '{ me { id ' })), 400, 'GRAPHQL_PARSE_FAILED');
  });

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    expectJsonError(await post(JSON.stringify({ query: '{ noSuchField }' })), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a batched array request with 400', async () => {
    const batch = JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expectJsonError(await post(batch), 400);
  });

  it('answers missing or mistyped variables of a required input with 400 BAD_USER_INPUT', async () => {
    expectJsonError(await post(JSON.stringify({ query: REGISTER })), 400, 'BAD_USER_INPUT');
    expectJsonError(await post(JSON.stringify({ query: REGISTER, variables: { input: { username: 'x' } } })), 400, 'BAD_USER_INPUT');
    expectJsonError(await post(JSON.stringify({ query: REGISTER, variables: { input: 'nope' } })), 400, 'BAD_USER_INPUT');
  });

  it('answers a body over the limit with 413 JSON', async () => {
    const query = `{ __typename }${' '.repeat(200 * 1024)}`;
    expectJsonError(await post(JSON.stringify({ query })), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('never executes a mutation sent with GET', async () => {
    const query = `mutation { register(input: { username: "via_get", password: "correct horse battery" }) { sessionId } }`;
    const url = `/graphql?query=${encodeURIComponent(query)}`;
    expectJsonError(await send(url), [400, 405]);
    expectJsonError(await send(url, { headers: { 'apollo-require-preflight': 'true' } }), [400, 405]);
    // Not registered: the name is still free.
    expect((await register(server, 'via_get')).user.username).toBe('via_get');
  });

  it('still answers a GET query that carries the preflight header', async () => {
    const res = await send(`/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { __typename: 'Query' } });
  });

  // GET / sends a browser to the web app (test/http/web.test.ts); other methods on / are unknown like any path.
  it('answers POST / with 404 JSON', async () => {
    expectJsonError(await send('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 404, 'NOT_FOUND');
  });

  it.each(['/nope', '/healthz/x', '/graphqlx'])('answers an unknown path (%s) with 404 JSON', async (path) => {
    expectJsonError(await send(path), 404, 'NOT_FOUND');
    expectJsonError(await send(path, { headers: { accept: 'text/html' } }), 404, 'NOT_FOUND');
    expectJsonError(await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 404, 'NOT_FOUND');
  });

  it('answers a well-formed request normally (the helpers above are not trivially failing)', async () => {
    const res = await post(JSON.stringify({ query: '{ __typename }' }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('CORS for Apollo Sandbox', () => {
  it('lets the embedded Sandbox call the API while the landing page is served, and nobody else', async () => {
    const dev = await createTestServer({ GRAPHQL_LANDING_PAGE: 'true' });
    const prod = await createTestServer({ GRAPHQL_LANDING_PAGE: 'false' });
    try {
      const preflight = (server: TestServer, origin: string) =>
        server.http('/graphql', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
      const sandbox = await preflight(dev, 'https://sandbox.embed.apollographql.com');
      expect(sandbox.headers.get('access-control-allow-origin')).toBe('https://sandbox.embed.apollographql.com');
      expect((await preflight(dev, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(prod, 'https://sandbox.embed.apollographql.com')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await dev.close();
      await prod.close();
    }
  });
});
