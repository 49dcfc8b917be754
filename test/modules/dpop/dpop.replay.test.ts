import Redis from 'ioredis';
import { createTestServer, firstError, ME, REGISTER, type TestServer } from '../../helpers/server';
import { TestClock } from '../../helpers/clock';
import { dpopClient, gqlWith, PUBLIC_URL, type DpopClient } from '../../helpers/dpop';
import { NativeSql } from '../../../src/db/native-sql';
import { DatabaseReplayCache, MemoryReplayCache, RedisReplayCache, type ReplayCache } from '../../../src/modules/dpop/dpop.replay';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the DPoP replay cache', () => {
  let server: TestServer;
  let client: DpopClient;
  let accessToken: string;
  const clock = new TestClock(new Date());
  const seconds = () => Math.floor(clock.now().getTime() / 1000);
  beforeAll(async () => {
    server = await createTestServer({ PUBLIC_URL, DPOP_MAX_AGE: '60', JWT_CLOCK_TOLERANCE: '30', ACCESS_TOKEN_TTL: '1h' }, clock);
    client = await dpopClient();
    const proof = await client.forge({ claims: { iat: seconds() } });
    accessToken = (await gqlWith(server.url, REGISTER, { input: { username: 'rae', password: 'correct horse battery' } }, { dpop: proof })).body.data.register.accessToken;
  });
  afterAll(() => server.close());

  const me = (proof: string) => gqlWith(server.url, ME, undefined, { authorization: `DPoP ${accessToken}`, dpop: proof });

  it('keeps an entry until its proof can no longer be accepted: a replay at the window’s last second is refused, later the proof is too old', async () => {
    const proof = await client.forge({ accessToken, claims: { iat: seconds() + 30 } }); // the latest iat accepted
    expect((await me(proof)).body.data?.me).toBeTruthy();
    clock.advance(30 + 60 + 30); // the last moment iat + DPOP_MAX_AGE + tolerance still passes
    expect(firstError(await me(proof)).reason).toBe('DPOP_PROOF_REPLAYED');
    clock.advance(1);
    expect(firstError(await me(proof)).reason).toBe('DPOP_PROOF_INVALID');
  });

  const stores: Array<[string, () => ReplayCache]> = [['memory', () => new MemoryReplayCache(clock)]];
  if (process.env.TEST_DATABASE_URL) stores.push(['database', () => new DatabaseReplayCache(new NativeSql('postgresql', () => server.app.orm.em), clock, 60_000, silent)]);
  if (process.env.TEST_REDIS_URL) stores.push(['redis', () => new RedisReplayCache(new Redis(process.env.TEST_REDIS_URL!), `test${process.pid}`)]);
  describe.each(stores)('%s', (kind, make) => {
    it('answers true once per key until the entry expires', async () => {
      const cache = make();
      const key = `k-${kind}-${Date.now()}`;
      expect(await cache.remember(key, 1000)).toBe(true);
      expect(await cache.remember(key, 1000)).toBe(false);
      expect(await cache.remember(`${key}-other`, 1000)).toBe(true);
      if (kind === 'redis') await new Promise((r) => setTimeout(r, 1100));
      else clock.advance(2);
      expect(await cache.remember(key, 1000)).toBe(true);
      await cache.close();
    });
  });
});
