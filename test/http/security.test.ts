import helmet from 'helmet';
import { helmetOptions } from '../../src/http/security';
import { createTestServer, type TestServer } from '../helpers/server';

const post = (server: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  server.http('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('security headers, CORS and cache headers on /graphql', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'silent', CORS_ORIGINS: 'https://shop.example' });
  });
  afterAll(() => server.close());

  it('writes the headers helmet itself writes with the same options', async () => {
    const expected = new Map<string, string>();
    const fake = { setHeader: (k: string, v: string) => expected.set(k.toLowerCase(), v), removeHeader: () => undefined };
    helmet(helmetOptions(server.config))({} as never, fake as never, () => undefined);
    expect(expected.size).toBeGreaterThan(8);
    for (const path of ['/graphql', '/healthz', '/no-such-path']) {
      const res = path === '/graphql' ? await post(server, { query: '{ __typename }' }) : await server.http(path);
      for (const [name, value] of expected) expect([path, name, res.headers.get(name)]).toEqual([path, name, value]);
    }
  });

  it('adds CORS headers only for a request with an Origin, and varies on it', async () => {
    const plain = await post(server, { query: '{ __typename }' });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    expect(plain.headers.get('access-control-allow-credentials')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/origin/i);
    const allowed = await post(server, { query: '{ __typename }' }, { origin: 'https://shop.example' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await post(server, { query: '{ __typename }' }, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await server.http('/graphql', { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
  });

  it('marks GraphQL answers no-store, errors included', async () => {
    expect((await post(server, { query: '{ __typename }' })).headers.get('cache-control')).toBe('no-store');
    expect((await post(server, { query: '{ nope }' })).headers.get('cache-control')).toBe('no-store');
  });

  it('hides field suggestions in production', async () => {
    const res = await post(server, { query: '{ mee { id } }' });
    const body = (await res.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0].message).not.toMatch(/Did you mean/);
  });
});
