import { createTestServer, register, ME, type TestServer } from './helpers/server';

describe('app', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('registers, then answers me with the bearer token', async () => {
    const payload = await register(server);
    const res = await server.gql(ME, {}, { token: payload.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.data.me).toMatchObject({ id: payload.user.id, username: 'alice', role: 'USER', isActive: true });
  });

  it('reports liveness and readiness', async () => {
    expect((await server.http('/healthz')).status).toBe(200);
    const ready = await server.http('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
