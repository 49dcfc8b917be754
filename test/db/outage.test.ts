import { TcpProxy } from '../helpers/tcp-proxy';
import { freshDatabase } from '../helpers/database';
import { createTestServer, firstError, register, ME, LOGIN, REFRESH, type TestServer } from '../helpers/server';

const pg = process.env.TEST_DATABASE_URL;
const describePg = pg ? describe : describe.skip;

describePg('PostgreSQL outage', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let server: TestServer;

  beforeAll(async () => {
    db = await freshDatabase();
    const url = new URL(db.url);
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.up();
    url.host = `127.0.0.1:${proxy.port}`;
    server = await createTestServer({ DATABASE_URL: url.toString(), RATE_LIMIT_STORE: 'memory' });
  });
  afterAll(async () => {
    await proxy.up().catch(() => undefined);
    await server.close();
    await proxy.down();
    await db.drop();
  });

  it('answers 503 SERVICE_UNAVAILABLE fast while the database is gone, writes nothing half-way, and recovers', async () => {
    const alice = await register(server, 'alice');
    await proxy.down();

    const started = Date.now();
    const me = await server.gql(ME, {}, { token: alice.accessToken });
    expect(me.status).toBe(503);
    expect(firstError(me).code).toBe('SERVICE_UNAVAILABLE');
    expect(me.headers.get('retry-after')).toBeTruthy();
    const refresh = await server.gql(REFRESH, { token: alice.refreshToken });
    expect([refresh.status, firstError(refresh).code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    const reg = await server.gql(`mutation { register(input: { username: "bob", password: "a fine passphrase" }) { sessionId } }`);
    expect(reg.status).toBe(503);
    expect(firstError(reg).code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(15000);
    expect((await server.http('/readyz')).status).toBe(503);
    expect((await server.http('/healthz')).status).toBe(200);

    await proxy.up();
    let ready = 503;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await server.http('/readyz')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    expect((await server.gql(ME, {}, { token: alice.accessToken })).body.data.me.id).toBe(alice.user.id);
    // The refresh token the outage refused is still the live one: nothing was half-rotated.
    expect((await server.gql(REFRESH, { token: alice.refreshToken })).body.data.refreshToken.sessionId).toBe(alice.sessionId);
    // bob's failed registration left no user behind: the name is free and logging in as bob fails cleanly.
    const login = await server.gql(LOGIN, { input: { username: 'bob', password: 'a fine passphrase' } });
    expect(firstError(login).code).toBe('BAD_CREDENTIALS');
    expect((await register(server, 'bob', 'a fine passphrase')).user.username).toBe('bob');
  });
});
