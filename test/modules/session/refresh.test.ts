import { RefreshToken } from '../../../src/modules/session/refresh-token.entity';
import { Session } from '../../../src/modules/session/session.entity';
import * as rotation from '../../../src/modules/session/rotation.sql';
import { createTestServer, firstError, login, register, ME, REFRESH, type GqlResponse, type TestServer } from '../../helpers/server';

const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) {
  changePassword(input: $input) { accessToken refreshToken sessionId }
}`;
const PASSWORD = 'correct horse battery';

let seq = 0;
const newUser = (server: TestServer) => register(server, `refresher${++seq}`, PASSWORD);
const refresh = (server: TestServer, token: string) => server.gql(REFRESH, { token });
const me = (server: TestServer, token: string) => server.gql(ME, {}, { token });

function expectUnauthenticated(res: GqlResponse, reason: string): void {
  expect(res.body.data?.refreshToken ?? res.body.data?.me ?? null).toBeNull();
  expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(res.status).toBe(401);
}

async function rotate(server: TestServer, token: string) {
  const res = await refresh(server, token);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.refreshToken as { accessToken: string; refreshToken: string; sessionId: string };
}

describe('refreshToken rotation (default config)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('issues a new pair in the same session, retires the old token, and the new access token works', async () => {
    const first = await newUser(server);
    const next = await rotate(server, first.refreshToken);
    expect(next.sessionId).toBe(first.sessionId);
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(next.refreshToken).toMatch(/^tgr_/);

    const em = server.app.orm.em.fork();
    expect(await em.count(RefreshToken, { sessionId: first.sessionId })).toBe(2);
    expect(await em.count(RefreshToken, { sessionId: first.sessionId, usedAt: null })).toBe(1);

    const res = await me(server, next.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.data.me.id).toBe(first.user.id);
  });

  it('answers a refresh already in flight during changePassword with the new (non-fresh) pair, not as reuse', async () => {
    const first = await newUser(server);
    const changed = await server.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } }, { token: first.accessToken });
    expect(changed.body.errors).toBeUndefined();
    const replay = await rotate(server, first.refreshToken);
    expect(replay.refreshToken).toBe(changed.body.data.changePassword.refreshToken);
    const fresh = await server.gql(CHANGE_PASSWORD, { input: { currentPassword: 'a brand new passphrase', newPassword: 'yet another passphrase' } }, { token: replay.accessToken });
    expect(firstError(fresh)).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
    expect((await me(server, changed.body.data.changePassword.accessToken)).status).toBe(200);
  });

  it('treats an older token (two rotations back) as reuse and the revocation outlives the failed request', async () => {
    const first = await newUser(server);
    const second = await rotate(server, first.refreshToken);
    const third = await rotate(server, second.refreshToken);

    expectUnauthenticated(await refresh(server, first.refreshToken), 'REFRESH_REUSED');

    const session = await server.app.orm.em.fork().findOneOrFail(Session, { id: first.sessionId });
    expect(session.revokedAt).not.toBeNull();
    expect(session.revokedReason).toBe('REFRESH_REUSED');
    expectUnauthenticated(await refresh(server, third.refreshToken), 'TOKEN_REVOKED');
    expectUnauthenticated(await me(server, third.accessToken), 'TOKEN_REVOKED');
  });

  it('replays the same successor pair for the immediate predecessor within the grace window', async () => {
    const first = await newUser(server);
    const next = await rotate(server, first.refreshToken);
    server.clock.advance(5);
    const replay = await rotate(server, first.refreshToken);
    expect(replay.accessToken).toBe(next.accessToken);
    expect(replay.refreshToken).toBe(next.refreshToken);
    expect(replay.sessionId).toBe(first.sessionId);
    // The session is intact: the live token still rotates normally.
    const after = await rotate(server, next.refreshToken);
    expect((await me(server, after.accessToken)).body.data.me.id).toBe(first.user.id);
  });

  it('treats the immediate predecessor as reuse once the grace window has passed', async () => {
    const first = await newUser(server);
    const next = await rotate(server, first.refreshToken);
    server.clock.advance(11);
    expectUnauthenticated(await refresh(server, first.refreshToken), 'REFRESH_REUSED');
    expectUnauthenticated(await refresh(server, next.refreshToken), 'TOKEN_REVOKED');
    expectUnauthenticated(await me(server, next.accessToken), 'TOKEN_REVOKED');
  });

  it('answers 20 concurrent refreshes of one token with one successor and a single live token', async () => {
    const first = await newUser(server);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(server, first.refreshToken)));
    for (const res of results) {
      expect(res.status).not.toBe(500);
      expect(res.body.errors).toBeUndefined();
      expect(res.status).toBe(200);
    }
    const pairs = results.map((r) => r.body.data.refreshToken);
    expect(new Set(pairs.map((p) => p.refreshToken)).size).toBe(1);
    expect(new Set(pairs.map((p) => p.accessToken)).size).toBe(1);

    const em = server.app.orm.em.fork();
    expect(await em.count(RefreshToken, { sessionId: first.sessionId, usedAt: null })).toBe(1);
    expect(await em.count(RefreshToken, { sessionId: first.sessionId })).toBe(2);
    // The one successor everybody got is the live token.
    const next = await rotate(server, pairs[0].refreshToken);
    expect((await me(server, next.accessToken)).status).toBe(200);
  });

  it('mints nothing when the session is revoked between the lookup and the compare-and-set', async () => {
    const first = await newUser(server);
    const lookup = rotation.findPresented;
    const spy = jest.spyOn(rotation, 'findPresented').mockImplementationOnce(async (sql, hash) => {
      const found = await lookup(sql, hash);
      await server.app.orm.em.fork().nativeUpdate(Session, { id: first.sessionId }, { revokedAt: new Date(), revokedReason: 'LOGOUT' });
      return found;
    });
    try {
      expectUnauthenticated(await refresh(server, first.refreshToken), 'TOKEN_REVOKED');
    } finally {
      spy.mockRestore();
    }
    const em = server.app.orm.em.fork();
    expect(await em.count(RefreshToken, { sessionId: first.sessionId })).toBe(1);
    expect(await em.count(RefreshToken, { sessionId: first.sessionId, usedAt: null, successorSealed: null })).toBe(1);
  });

  it('refuses a refresh token as a bearer, an access token as a refresh token, and garbage', async () => {
    const first = await newUser(server);
    expectUnauthenticated(await me(server, first.refreshToken), 'TOKEN_INVALID');
    expectUnauthenticated(await refresh(server, first.accessToken), 'TOKEN_INVALID');
    expectUnauthenticated(await refresh(server, 'garbage'), 'TOKEN_INVALID');
    expectUnauthenticated(await refresh(server, 'tgr_' + 'A'.repeat(43)), 'TOKEN_INVALID');
    // None of that touched the real session.
    expect((await refresh(server, first.refreshToken)).body.data.refreshToken.sessionId).toBe(first.sessionId);
  });

  it('never treats tokens from refreshToken as a fresh login', async () => {
    const first = await newUser(server);
    const next = await rotate(server, first.refreshToken);
    const res = await server.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'another fine password' } }, { token: next.accessToken });
    expect(res.status).toBe(403);
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
    // The password did not change.
    await expect(login(server, first.user.username, PASSWORD)).resolves.toMatchObject({ user: { id: first.user.id } });
  });
});

describe('refreshToken with REFRESH_GRACE_PERIOD=0', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ REFRESH_GRACE_PERIOD: '0' });
  });
  afterAll(() => server.close());

  it('treats an immediate replay of the predecessor as reuse', async () => {
    const first = await newUser(server);
    const next = await rotate(server, first.refreshToken);
    expectUnauthenticated(await refresh(server, first.refreshToken), 'REFRESH_REUSED');
    expectUnauthenticated(await refresh(server, next.refreshToken), 'TOKEN_REVOKED');
  });
});

describe('refresh token expiry (REFRESH_TOKEN_TTL=100, REFRESH_IDLE_TTL=50)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ REFRESH_TOKEN_TTL: '100', REFRESH_IDLE_TTL: '50' });
  });
  afterAll(() => server.close());

  it('ends a session that stays idle longer than the idle TTL', async () => {
    const first = await newUser(server);
    server.clock.advance(40);
    const next = await rotate(server, first.refreshToken); // use within idle time keeps it alive
    server.clock.advance(51);
    expectUnauthenticated(await refresh(server, next.refreshToken), 'TOKEN_EXPIRED');
  });

  it('ends a session at its absolute expiry even when it is used regularly', async () => {
    const first = await newUser(server);
    server.clock.advance(40);
    const second = await rotate(server, first.refreshToken);
    server.clock.advance(40);
    const third = await rotate(server, second.refreshToken);
    server.clock.advance(25); // 105 s after login, 25 s after the last use
    expectUnauthenticated(await refresh(server, third.refreshToken), 'TOKEN_EXPIRED');
  });
});

describe('fresh-login window (ACCESS_TOKEN_TTL=3600)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ ACCESS_TOKEN_TTL: '3600', JWT_MAX_LIFETIME: '3600' });
  });
  afterAll(() => server.close());

  const change = (token: string, newPassword: string) =>
    server.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword } }, { token });

  it('accepts a login token inside the window', async () => {
    const first = await newUser(server);
    server.clock.advance(599);
    const res = await change(first.accessToken, 'another fine password');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.changePassword.sessionId).toBe(first.sessionId);
  });

  it('refuses a login token older than the window although it is still a valid access token', async () => {
    const first = await newUser(server);
    server.clock.advance(601);
    expect((await me(server, first.accessToken)).status).toBe(200);
    const res = await change(first.accessToken, 'another fine password');
    expect(res.status).toBe(403);
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
  });
});
