import jwt from 'jsonwebtoken';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import { readBearer } from '../src/context';
import { TokenError } from '../src/modules/auth/token.service';
import { User } from '../src/modules/user/user.entity';
import { TestClock } from './helpers/clock';
import { createTestServer, firstError, register, TEST_SECRET, type TestServer } from './helpers/server';

const ME_ID = '{ me { id } }';
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims that would be accepted if signed with the server's secret. */
function claims(sub = 'u', sid = 's') {
  const iat = Math.floor(Date.now() / 1000);
  return { sub, sid, jti: 'j', iat, exp: iat + 900, iss: 'tokengate', aud: 'tokengate' };
}

describe('bearer context', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  const meWith = (authorization?: string) => server.gql(ME_ID, {}, authorization === undefined ? {} : { headers: { authorization } });

  it('answers a request without a token with 401 TOKEN_MISSING and a bare challenge', async () => {
    const res = await meWith();
    expect(res.status).toBe(401);
    expect(res.body.data ?? null).toBeNull();
    expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer/);
    expect(challenge).not.toContain('invalid_token');
  });

  describe('forged or malformed tokens', () => {
    const sign = (payload: object, secret: string) => jwt.sign(payload, secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } });
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      const victim = (await register(server, 'victim')).user.id;
      tokens['garbage'] = 'garbage';
      tokens['another secret'] = sign(claims(victim), 'another-secret-that-is-at-least-32-bytes!!');
      tokens['alg none'] = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claims(victim))}.`;
      tokens['alg none with a signature'] = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claims(victim))}.c2ln`;
      tokens['no typ (an id token, say)'] = jwt.sign(claims(victim), TEST_SECRET, { algorithm: 'HS256' });
    });
    const headerFor = (name: string) =>
      ({ 'Basic scheme': 'Basic abc', 'Bearer with nothing': 'Bearer', 'two tokens': 'Bearer abc def' })[name] ?? `Bearer ${tokens[name]}`;
    const names = ['garbage', 'another secret', 'alg none', 'alg none with a signature', 'no typ (an id token, say)', 'Basic scheme', 'Bearer with nothing', 'two tokens'];

    it.each(names)('refuses %s with 401 TOKEN_INVALID, an invalid_token challenge and a clean body', async (name) => {
      const res = await meWith(headerFor(name));
      expect(res.status).toBe(401);
      expect(firstError(res)).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      const raw = JSON.stringify(res.body);
      if (tokens[name]) expect(raw).not.toContain(tokens[name]);
      expect(raw.toLowerCase()).not.toContain('stack');
    });

    it('gives every forgery the same message, so none tells which check failed', async () => {
      const messages = new Set<string>();
      for (const name of names) messages.add((await meWith(headerFor(name))).body.errors?.[0]?.message ?? '(none)');
      expect(messages.size).toBe(1);
    });
  });

  it.each([
    ['bearer', 1],
    ['BEARER', 2],
    ['Bearer', 3],
    ['bEaReR', 4],
  ])('accepts the scheme spelled %s', async (scheme, n) => {
    const { accessToken, user } = await register(server, `scheme_${n}`);
    const res = await meWith(`${scheme} ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.id).toBe(user.id);
  });

  it('refuses a token whose user was deleted with TOKEN_REVOKED', async () => {
    const { accessToken, user } = await register(server, 'deleted');
    expect((await meWith(`Bearer ${accessToken}`)).body.data.me.id).toBe(user.id);
    await server.app.orm.em.fork().nativeDelete(User, { id: user.id });
    const res = await meWith(`Bearer ${accessToken}`);
    expect(res.status).toBe(401);
    expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a token whose user was deactivated with ACCOUNT_DISABLED', async () => {
    const { accessToken } = await register(server, 'disabled');
    await server.app.orm.em.fork().nativeUpdate(User, { usernameKey: 'disabled' }, { isActive: false });
    const res = await meWith(`Bearer ${accessToken}`);
    expect(res.status).toBe(401);
    expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'ACCOUNT_DISABLED' });
  });

  describe('database use', () => {
    // The ORM borrows a pooled connection for every statement; the hot path's prepared statements go through services.sql.
    let acquire: jest.SpyInstance;
    let prepared: jest.SpyInstance[];
    const used = () => [acquire, ...prepared].reduce((n, spy) => n + spy.mock.calls.length, 0);
    beforeEach(async () => {
      await server.app.services.audit.flush(); // earlier tests' audit events are written by now
      acquire = jest.spyOn((server.app.orm.em.getConnection() as AbstractSqlConnection).getKnex().client, 'acquireConnection');
      prepared = [jest.spyOn(server.app.services.sql, 'get'), jest.spyOn(server.app.services.sql, 'sqlite')];
    });
    afterEach(() => [acquire, ...prepared].forEach((spy) => spy.mockRestore()));

    it('loads the viewer for a guarded field with one prepared statement and nothing else', async () => {
      const { accessToken } = await register(server, 'spied');
      await server.app.services.audit.flush();
      await meWith(`Bearer ${accessToken}`); // the first use borrows the connection through the pool
      jest.clearAllMocks();
      expect((await meWith(`Bearer ${accessToken}`)).status).toBe(200);
      expect(prepared[0]).toHaveBeenCalledTimes(1);
      // SQLite runs it on the idle connection directly; PostgreSQL borrows a pooled client for it.
      expect(acquire).toHaveBeenCalledTimes(process.env.TEST_DATABASE_URL ? 1 : 0);
    });

    it.each([
      ['no token', undefined],
      ['a garbage token', 'Bearer garbage'],
      ['a well-formed token of nobody', `Bearer ${jwt.sign(claims(), TEST_SECRET, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } })}`],
    ])('runs no query for a public operation with %s', async (_name, authorization) => {
      const res = await server.gql('{ __typename }', {}, authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { __typename: 'Query' } });
      expect(used()).toBe(0);
    });
  });
});

describe('token expiry', () => {
  const clock = new TestClock(new Date());
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({}, clock);
  });
  afterAll(() => server.close());

  it('accepts a token within the clock tolerance and refuses it after with TOKEN_EXPIRED', async () => {
    const { accessToken } = await register(server, 'timely');
    const me = () => server.gql(ME_ID, {}, { token: accessToken });
    clock.advance(900 + 29);
    expect((await me()).status).toBe(200);
    clock.advance(2);
    const res = await me();
    expect(res.status).toBe(401);
    expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('readBearer', () => {
  const claimsOk = claims();
  const verify = jest.fn((_token: string) => claimsOk);
  beforeEach(() => verify.mockClear());

  it.each([undefined, '', '   '])('reports TOKEN_MISSING for %p', (header) => {
    expect(readBearer(header, verify)).toEqual({ claims: null, failure: 'TOKEN_MISSING' });
    expect(verify).not.toHaveBeenCalled();
  });

  it.each(['Basic x', 'Bearer', 'Bearer ', 'Bearerabc', 'Bearer a b', 'Token abc', 'Bearer a\u00e9b', 'abc'])(
    'reports TOKEN_INVALID for %p without calling verify',
    (header) => {
      expect(readBearer(header, verify)).toEqual({ claims: null, failure: 'TOKEN_INVALID' });
      expect(verify).not.toHaveBeenCalled();
    },
  );

  it('passes the bare token to verify, for any case of the scheme', () => {
    expect(readBearer('bearer abc.def.ghi', verify)).toEqual({ claims: claimsOk, failure: null });
    expect(verify).toHaveBeenCalledWith('abc.def.ghi');
  });

  it("reports verify's TokenError reason and rethrows anything else", () => {
    expect(readBearer('Bearer t', () => { throw new TokenError('TOKEN_EXPIRED'); })).toEqual({ claims: null, failure: 'TOKEN_EXPIRED' });
    expect(() => readBearer('Bearer t', () => { throw new Error('boom'); })).toThrow('boom');
  });
});
