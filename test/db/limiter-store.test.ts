import { randomBytes } from 'node:crypto';
import { createTestServer, firstError, LOGIN, ME, register, type TestServer } from '../helpers/server';

// Runs where Redis is provided (CI sets TEST_REDIS_URL); `npm test` elsewhere needs no Redis.
const REDIS_URL = process.env.TEST_REDIS_URL;
const describeRedis = REDIS_URL ? describe : describe.skip;
const attempt = (server: TestServer) => server.gql(LOGIN, { input: { username: 'nobody', password: 'wrong password 1' } });

describeRedis('rate limits shared through Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    // A fresh namespace per run: counters in Redis outlive the test.
    const env = { REDIS_URL: REDIS_URL!, RATE_LIMIT_PREFIX: `t${randomBytes(6).toString('hex')}`, RATE_LOGIN_IP_MAX: '4' };
    a = await createTestServer(env);
    b = await createTestServer(env);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('counts attempts made on two instances against one limit', async () => {
    for (const server of [a, b, a, b]) expect(firstError(await attempt(server)).code).toBe('BAD_CREDENTIALS');
    const limited = await attempt(b);
    expect(limited.status).toBe(429);
    expect(firstError(limited).code).toBe('RATE_LIMITED');
    expect(firstError(await attempt(a)).code).toBe('RATE_LIMITED');
  });

  it('fails closed (503) rather than unlimited when the store was never reachable', async () => {
    await expect(createTestServer({ REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow();
  });
});

describe('REDIS_URL unreachable with the rate limits elsewhere', () => {
  it('RATE_LIMIT_STORE=memory starts and serves: Redis is only the live bus then, which keeps reconnecting', async () => {
    const server = await createTestServer({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_STORE: 'memory' });
    try {
      const alice = await register(server, 'redis_down');
      expect((await server.gql(ME, {}, { token: alice.accessToken })).body.data.me.id).toBe(alice.user.id);
    } finally {
      await server.close();
    }
  });
});
