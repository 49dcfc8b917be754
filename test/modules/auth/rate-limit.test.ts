import { clientKey } from '../../../src/modules/auth/rate-limit';
import { createTestServer, LOGIN, REFRESH, REGISTER, register, type GqlResponse, type TestServer } from '../../helpers/server';

const GOOD = 'correct horse battery';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  status: number;
  code: string | undefined;
  retryAfter: number | undefined;
  retryAfterHeader: string | null;
  res: GqlResponse;
}

const outcome = (res: GqlResponse): Outcome => ({
  status: res.status,
  code: res.body.errors?.[0]?.extensions?.code ?? (res.body.data ? 'OK' : undefined),
  retryAfter: res.body.errors?.[0]?.extensions?.retryAfter,
  retryAfterHeader: res.headers.get('retry-after'),
  res,
});

const attempt = async (server: TestServer, username: string, password: string, headers?: Record<string, string>) =>
  outcome(await server.gql(LOGIN, { input: { username, password } }, { headers }));

/** A refusal: 429, RATE_LIMITED, an integer retryAfter ≥ 1 that the Retry-After header repeats. */
function expectLimited(o: Outcome, maxRetryAfter: number) {
  expect(o.code).toBe('RATE_LIMITED');
  expect(o.status).toBe(429);
  expect(Number.isInteger(o.retryAfter)).toBe(true);
  expect(o.retryAfter).toBeGreaterThanOrEqual(1);
  expect(o.retryAfter).toBeLessThanOrEqual(maxRetryAfter);
  expect(o.retryAfterHeader).toBe(String(o.retryAfter));
  expect(o.res.body.data ?? null).toBeNull();
}

const servers: TestServer[] = [];
async function start(env: Record<string, string>) {
  const server = await createTestServer(env);
  servers.push(server);
  return server;
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('login limit per account name, however written', () => {
  it('counts " alice", "ALICE" and "alice" as one account: padding the name buys no fresh budget', async () => {
    const server = await start({ RATE_LOGIN_ACCOUNT_MAX: '3', RATE_LOGIN_IP_MAX: '1000' });
    await register(server, 'alice');
    for (const name of ['alice', ' alice', 'ALICE ']) expect((await attempt(server, name, 'wrong password x')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, '  alice', GOOD), 3600);
    expectLimited(await attempt(server, 'alice', GOOD), 3600);
  });

  it('counts the username and the verified e-mail address against one budget', async () => {
    const server = await start({ RATE_LOGIN_ACCOUNT_MAX: '3', RATE_LOGIN_IP_MAX: '1000' });
    const dave = await register(server, 'dave');
    await server.app.orm.em.fork().nativeUpdate('User', { id: dave.user.id }, { email: 'dave@example.com', emailKey: 'dave@example.com', emailVerified: true });
    expect((await attempt(server, 'dave@example.com', GOOD)).code).toBe('OK'); // the address signs in
    for (const name of ['dave', 'Dave@Example.com', 'dave']) expect((await attempt(server, name, 'wrong password x')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'dave@example.com', GOOD), 3600);
    expectLimited(await attempt(server, 'dave', GOOD), 3600);
  });
});

describe('login limit per client', () => {
  it('refuses the 6th failed login with RATE_LIMITED, and then answers the right password and unknown users identically', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '5', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    await register(server, 'alice');
    for (let i = 0; i < 5; i++) {
      const o = await attempt(server, 'alice', `wrong password ${i}`);
      expect([o.status, o.code]).toEqual([200, 'BAD_CREDENTIALS']);
    }
    const limited = await attempt(server, 'alice', 'wrong password 5');
    // Locked for RATE_LOGIN_IP_BLOCK (300 s), longer than the 60 s window.
    expectLimited(limited, 300);
    expect(limited.retryAfter).toBeGreaterThan(60);

    const normalise = (o: Outcome) => ({ status: o.status, header: o.retryAfterHeader !== null, body: JSON.parse(JSON.stringify(o.res.body).replace(/"retryAfter":\d+/, '"retryAfter":0')) });
    for (const other of [await attempt(server, 'alice', GOOD), await attempt(server, 'nobody-here', GOOD)]) {
      expectLimited(other, 300);
      expect(normalise(other)).toEqual(normalise(limited));
      expect(Math.abs(other.retryAfter! - limited.retryAfter!)).toBeLessThanOrEqual(1);
    }
  });

  it('refunds the attempt of a successful login, so the right password never locks a client out', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '3', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    await register(server, 'alice');
    for (let i = 0; i < 6; i++) expect((await attempt(server, 'alice', GOOD)).code).toBe('OK');
    for (let i = 0; i < 3; i++) expect((await attempt(server, 'alice', 'wrong password')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'alice', 'wrong password'), 300);
  });

  it('does not let X-Forwarded-For dodge the limit when no proxy is trusted', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    const spoof = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` });
    expect((await attempt(server, 'ghost', 'wrong password', spoof(1))).code).toBe('BAD_CREDENTIALS');
    expect((await attempt(server, 'ghost', 'wrong password', spoof(2))).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'ghost', 'wrong password', spoof(3)), 300);
  });

  it('keys IPv6 clients by /64 and IPv4-mapped addresses as IPv4 (behind a trusted proxy)', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_ACCOUNT_MAX: '1000', TRUST_PROXY: '1' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const fail = (ip: string) => attempt(server, 'ghost', 'wrong password', from(ip));
    expect((await fail('2001:db8:1:2::1')).code).toBe('BAD_CREDENTIALS');
    expect((await fail('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await fail('2001:db8:1:2::ffff'), 300);
    expect((await fail('2001:db8:1:3::1')).code).toBe('BAD_CREDENTIALS');

    expect((await fail('203.0.113.7')).code).toBe('BAD_CREDENTIALS');
    expect((await fail('::ffff:203.0.113.7')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await fail('203.0.113.7'), 300);
    expect((await fail('203.0.113.8')).code).toBe('BAD_CREDENTIALS');
  });
});

describe('clients whose forwarded address is not an IP (TRUST_PROXY)', () => {
  const unknown = { 'x-forwarded-for': 'unknown' }; // what Squid sends with forwarded_for off

  it('limits failed logins from `X-Forwarded-For: unknown` like any address', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_ACCOUNT_MAX: '1000', TRUST_PROXY: '1' });
    expect((await attempt(server, 'ghost', 'wrong password', unknown)).code).toBe('BAD_CREDENTIALS');
    expect((await attempt(server, 'ghost2', 'wrong password', unknown)).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'ghost3', 'wrong password', unknown), 300);
  });

  it('counts register from such clients too', async () => {
    const server = await start({ RATE_REGISTER_IP_MAX: '1', TRUST_PROXY: '1' });
    const reg = (username: string) => server.gql(REGISTER, { input: { username, password: GOOD } }, { headers: unknown });
    expect(outcome(await reg('first_one')).code).toBe('OK');
    expectLimited(outcome(await reg('second_one')), 600);
  });

  it('counts unknown API tokens from such clients', async () => {
    const server = await start({ TRUST_PROXY: '1', RATE_API_TOKEN_IP_MAX: '2' });
    const me = (n: number) => server.gql('{ me { id } }', {}, { token: `tg_pat_${String(n).repeat(48)}`, headers: unknown });
    for (const n of [1, 2]) expect((await me(n)).body.errors?.[0]?.extensions?.reason).toBe('TOKEN_INVALID');
    expectLimited(outcome(await me(3)), 300);
  });
});

describe('one IPv4 address in every spelling is one client (TRUST_PROXY)', () => {
  it('shares one login budget between 127.0.0.2, ::ffff:7f00:2, 0:0:0:0:0:ffff:127.0.0.2 and ::127.0.0.2', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '3', RATE_LOGIN_ACCOUNT_MAX: '1000', TRUST_PROXY: '1' });
    const fail = (ip: string) => attempt(server, 'ghost', 'wrong password', { 'x-forwarded-for': ip });
    for (const ip of ['::ffff:7f00:2', '0:0:0:0:0:ffff:127.0.0.2', '::127.0.0.2']) expect((await fail(ip)).code).toBe('BAD_CREDENTIALS');
    expectLimited(await fail('127.0.0.2'), 300);
    expect((await fail('127.0.0.3')).code).toBe('BAD_CREDENTIALS');
  });
});

describe('login limit per account name', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start({ RATE_LOGIN_IP_MAX: '1000', RATE_LOGIN_ACCOUNT_MAX: '3' });
    for (const name of ['alice', 'bob', 'carol']) await register(server, name);
  });

  it('refuses the 4th attempt on alice even with the right password, in any letter case, while bob still logs in', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(server, 'alice', 'wrong password')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'alice', GOOD), 3600);
    expectLimited(await attempt(server, 'ALICE', GOOD), 3600);
    expect((await attempt(server, 'bob', GOOD)).code).toBe('OK');
  });

  it('limits unknown account names the same way', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(server, 'nobody', 'wrong password')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'nobody', 'wrong password'), 3600);
  });

  it('clears the count on a successful login', async () => {
    const codes = [];
    for (const pw of ['bad 1 password', 'bad 2 password', GOOD, 'bad 3 password', 'bad 4 password', 'bad 5 password']) {
      codes.push((await attempt(server, 'carol', pw)).code);
    }
    expect(codes).toEqual(['BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'OK', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS']);
    expectLimited(await attempt(server, 'carol', 'bad 6 password'), 3600);
  });
});

describe('one HTTP request, many attempts', () => {
  // A failed login is a non-null Mutation field: its error nulls `data`, and graphql-js runs no further serial
  // mutation fields, so a document of aliased logins stops at its first failure. Every field that runs is counted.
  it('runs aliased logins only up to the first failure, and counts each one that ran', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '5', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    await register(server, 'alice');
    const fields = Array.from({ length: 8 }, (_, i) => `l${i + 1}: login(input: { username: "alice", password: "wrong password ${i}" }) { accessToken }`);
    const doc = `mutation { ${fields.join('\n')} }`;
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await server.gql(doc);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0].path).toEqual(['l1']);
      codes.push(res.body.errors![0].extensions!.code);
      if (i === 5) expectLimited(outcome(res), 300);
    }
    expect(codes).toEqual([...Array(5).fill('BAD_CREDENTIALS'), 'RATE_LIMITED']);
  });

  it('lets aliased successful logins through without spending the budget, and counts the failure that ends the document', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '3', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    await register(server, 'alice');
    const ok = Array.from({ length: 6 }, (_, i) => `ok${i}: login(input: { username: "alice", password: "${GOOD}" }) { sessionId }`);
    const res = await server.gql(`mutation { ${ok.join('\n')} bad: login(input: { username: "alice", password: "wrong password" }) { sessionId } }`);
    expect(res.body.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['bad', 'BAD_CREDENTIALS']]);
    // 6 successes refunded, 1 failure kept: 2 more failures are allowed, the 3rd is refused.
    expect((await attempt(server, 'alice', 'wrong password')).code).toBe('BAD_CREDENTIALS');
    expect((await attempt(server, 'alice', 'wrong password')).code).toBe('BAD_CREDENTIALS');
    expectLimited(await attempt(server, 'alice', 'wrong password'), 300);
  });

  it('refuses a batched array of logins with 400 and counts none of them', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '5', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    const op = { query: LOGIN, variables: { input: { username: 'ghost', password: 'wrong password' } } };
    const res = await server.http('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Array(10).fill(op)) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.data ?? null).toBeNull();
    expect((await attempt(server, 'ghost', 'wrong password')).code).toBe('BAD_CREDENTIALS');
  });
});

describe('register and refresh limits', () => {
  it('refuses the 3rd register from one client with RATE_REGISTER_IP_MAX=2, creating nothing', async () => {
    const server = await start({ RATE_REGISTER_IP_MAX: '2' });
    const reg = async (username: string) => outcome(await server.gql(REGISTER, { input: { username, password: GOOD } }));
    expect((await reg('user1')).code).toBe('OK');
    expect((await reg('user2')).code).toBe('OK');
    expectLimited(await reg('user3'), 600);
    expect((await attempt(server, 'user3', GOOD)).code).toBe('BAD_CREDENTIALS');
  });

  it('refuses the 3rd refresh from one client with RATE_REFRESH_IP_MAX=2', async () => {
    const server = await start({ RATE_REFRESH_IP_MAX: '2' });
    let token = (await register(server, 'alice')).refreshToken;
    for (let i = 0; i < 2; i++) {
      const o = outcome(await server.gql(REFRESH, { token }));
      expect(o.code).toBe('OK');
      token = o.res.body.data.refreshToken.refreshToken;
    }
    expectLimited(outcome(await server.gql(REFRESH, { token })), 60);
  });
});

describe('lockout expiry (real time)', () => {
  it('lets the right password in again once the window has passed (RATE_LOGIN_IP_BLOCK=0)', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_IP_WINDOW: '2', RATE_LOGIN_IP_BLOCK: '0', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    await register(server, 'alice');
    await attempt(server, 'alice', 'wrong password');
    await attempt(server, 'alice', 'wrong password');
    const limited = await attempt(server, 'alice', GOOD);
    expectLimited(limited, 2);
    await sleep(limited.retryAfter! * 1000 + 100);
    expect((await attempt(server, 'alice', GOOD)).code).toBe('OK');
  });

  it('keeps a client blocked for RATE_LOGIN_IP_BLOCK after its window has ended', async () => {
    const server = await start({ RATE_LOGIN_IP_MAX: '1', RATE_LOGIN_IP_WINDOW: '1', RATE_LOGIN_IP_BLOCK: '3', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    expect((await attempt(server, 'ghost', 'wrong password')).code).toBe('BAD_CREDENTIALS');
    const limited = await attempt(server, 'ghost', 'wrong password');
    expectLimited(limited, 3);
    expect(limited.retryAfter).toBeGreaterThan(1);
    await sleep(1200);
    expectLimited(await attempt(server, 'ghost', 'wrong password'), 2);
  });
});

describe('clientKey', () => {
  it('keeps IPv4 and unwraps IPv4-mapped IPv6', () => {
    expect(clientKey('1.2.3.4')).toBe('1.2.3.4');
    expect(clientKey('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(clientKey('::FFFF:1.2.3.4')).toBe('1.2.3.4');
    expect(clientKey('::ffff:7f00:2')).toBe('127.0.0.2');
    expect(clientKey('0:0:0:0:0:ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(clientKey('::127.0.0.2')).toBe('127.0.0.2');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });

  it('gives every address that is not an IP, and none, one shared key', () => {
    expect(clientKey('unknown')).toBe(clientKey(null));
    expect(clientKey('_hidden')).toBe(clientKey(null));
    expect(clientKey(null)).not.toBe(clientKey('127.0.0.1'));
  });

  it('gives addresses in one IPv6 /64 one key, whatever their spelling, and another /64 a different key', () => {
    const key = clientKey('2001:db8:1:2:3:4:5:6');
    expect(clientKey('2001:db8:1:2::9')).toBe(key);
    expect(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key);
    expect(clientKey('2001:db8:1:2::')).toBe(key);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(key);
    expect(clientKey('2001:db8::1')).not.toBe(key);
    expect(clientKey('::1')).not.toBe(clientKey('1.2.3.4'));
  });
});
