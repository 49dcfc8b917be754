import { User } from '../../../src/modules/user/user.entity';
import { createTestServer, firstError, login, register, ME, REFRESH, type GqlResponse, type TestServer } from '../../helpers/server';

const LOGOUT = `mutation ($token: String) { logout(refreshToken: $token) }`;
const LOGOUT_ALL = `mutation { logoutAll }`;
const REVOKE = `mutation ($id: ID!) { revokeSession(id: $id) }`;
const MY_SESSIONS = `{ mySessions { id createdAt lastUsedAt expiresAt current } }`;
const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) {
  changePassword(input: $input) { accessToken refreshToken sessionId user { id } }
}`;
const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id isActive } }`;
const SET_ROLE = `mutation ($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { id role } }`;

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

let server: TestServer;
beforeAll(async () => {
  // This file registers close to 20 accounts from one address; keep a per-IP registration limit out of the way.
  server = await createTestServer({ RATE_REGISTER_IP_MAX: '1000' });
});
afterAll(() => server.close());

let seq = 0;
/** A new user with two independent sessions. */
async function userWithTwoSessions() {
  const username = `member${++seq}`;
  const a = await register(server, username, PASSWORD);
  const b = await login(server, username, PASSWORD);
  expect(b.sessionId).not.toBe(a.sessionId);
  return { username, a, b };
}

async function makeAdmin(): Promise<any> {
  const username = `admin${++seq}`;
  const first = await register(server, username, PASSWORD);
  await server.app.orm.em.fork().nativeUpdate(User, { id: first.user.id }, { role: 'ADMIN' });
  return login(server, username, PASSWORD);
}

const me = (token: string) => server.gql(ME, {}, { token });
const refresh = (token: string) => server.gql(REFRESH, { token });

async function expectAlive(pair: { accessToken: string; refreshToken: string; user: { id: string } }) {
  const res = await me(pair.accessToken);
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.me.id).toBe(pair.user.id);
}

function expectAuthError(res: GqlResponse, reason: string) {
  expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(res.status).toBe(401);
}

/** Both tokens of the session are refused. */
async function expectDead(pair: { accessToken: string; refreshToken: string }, reason = 'TOKEN_REVOKED') {
  expectAuthError(await me(pair.accessToken), reason);
  const res = await refresh(pair.refreshToken);
  expect(res.body.data?.refreshToken ?? null).toBeNull();
  expect(firstError(res).code).toBe('UNAUTHENTICATED');
}

describe('logout', () => {
  it('with a refresh token ends that session only', async () => {
    const { a, b } = await userWithTwoSessions();
    const res = await server.gql(LOGOUT, { token: a.refreshToken });
    expect(res.body).toEqual({ data: { logout: true } });
    await expectDead(a);
    expectAuthError(await refresh(a.refreshToken), 'TOKEN_REVOKED');
    await expectAlive(b);
    expect((await refresh(b.refreshToken)).body.data.refreshToken.sessionId).toBe(b.sessionId);
  });

  it('without an argument ends the bearer token’s session', async () => {
    const { a, b } = await userWithTwoSessions();
    const res = await server.gql(LOGOUT, {}, { token: b.accessToken });
    expect(res.body).toEqual({ data: { logout: true } });
    await expectDead(b);
    await expectAlive(a);
  });

  it('without an argument or a bearer token is unauthenticated', async () => {
    expectAuthError(await server.gql(LOGOUT, {}), 'TOKEN_MISSING');
  });
});

describe('logoutAll', () => {
  it('ends every session of the viewer and no one else’s', async () => {
    const { a, b } = await userWithTwoSessions();
    const other = await userWithTwoSessions();
    const res = await server.gql(LOGOUT_ALL, {}, { token: a.accessToken });
    expect(res.body).toEqual({ data: { logoutAll: true } });
    await expectDead(a);
    await expectDead(b);
    await expectAlive(other.a);
    await expectAlive(other.b);
  });
});

describe('revokeSession and mySessions', () => {
  it('revokes another session of the viewer and keeps the current one', async () => {
    const { a, b } = await userWithTwoSessions();
    const res = await server.gql(REVOKE, { id: b.sessionId }, { token: a.accessToken });
    expect(res.body).toEqual({ data: { revokeSession: true } });
    await expectDead(b);
    await expectAlive(a);
  });

  it('answers NOT_FOUND for another user’s session, which survives', async () => {
    const victim = await userWithTwoSessions();
    const attacker = await userWithTwoSessions();
    const res = await server.gql(REVOKE, { id: victim.a.sessionId }, { token: attacker.a.accessToken });
    expect(res.body.data).toBeNull();
    expect(firstError(res).code).toBe('NOT_FOUND');
    await expectAlive(victim.a);
    expect((await refresh(victim.a.refreshToken)).body.data.refreshToken.sessionId).toBe(victim.a.sessionId);
  });

  it('lists only live sessions, newest first, with current set for the caller’s', async () => {
    const { username, a, b } = await userWithTwoSessions();
    const c = await login(server, username, PASSWORD);
    await server.gql(LOGOUT, { token: c.refreshToken });
    const res = await server.gql(MY_SESSIONS, {}, { token: a.accessToken });
    expect(res.body.errors).toBeUndefined();
    const sessions = res.body.data.mySessions;
    expect(sessions.map((s: any) => s.id)).toEqual([b.sessionId, a.sessionId]);
    expect(sessions.map((s: any) => s.current)).toEqual([false, true]);
    const fromB = await server.gql(MY_SESSIONS, {}, { token: b.accessToken });
    expect(fromB.body.data.mySessions.filter((s: any) => s.current).map((s: any) => s.id)).toEqual([b.sessionId]);
  });
});

describe('changePassword', () => {
  const change = (token: string, currentPassword: string, newPassword: string) =>
    server.gql(CHANGE_PASSWORD, { input: { currentPassword, newPassword } }, { token });

  it('refuses a wrong current password', async () => {
    const { username, a } = await userWithTwoSessions();
    const res = await change(a.accessToken, 'not my password', NEW_PASSWORD);
    expect(res.body.data).toBeNull();
    expect(firstError(res).code).toBe('BAD_CREDENTIALS');
    await expect(login(server, username, PASSWORD)).resolves.toBeTruthy();
  });

  it('refuses a weak new password on the newPassword field', async () => {
    const { a } = await userWithTwoSessions();
    const res = await change(a.accessToken, PASSWORD, 'short');
    expect(res.body.data).toBeNull();
    expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
  });

  it('ends the other sessions, keeps the caller’s with a new pair, and swaps the password', async () => {
    const { username, a, b } = await userWithTwoSessions();
    const res = await change(a.accessToken, PASSWORD, NEW_PASSWORD);
    expect(res.body.errors).toBeUndefined();
    const pair = { ...res.body.data.changePassword, user: a.user };
    expect(pair.sessionId).toBe(a.sessionId);
    expect(pair.accessToken).not.toBe(a.accessToken);
    expect(pair.refreshToken).not.toBe(a.refreshToken);

    await expectDead(b);
    await expectAlive(a); // the caller's old access token is still in a live session
    await expectAlive(pair);
    expect((await refresh(pair.refreshToken)).body.data.refreshToken.sessionId).toBe(a.sessionId);

    const old = await server.gql(`mutation ($i: LoginInput!) { login(input: $i) { sessionId } }`, { i: { username, password: PASSWORD } });
    expect(firstError(old).code).toBe('BAD_CREDENTIALS');
    await expect(login(server, username, NEW_PASSWORD)).resolves.toMatchObject({ user: { id: a.user.id } });
  });
});

describe('account changes by an admin', () => {
  const loginRes = (username: string, password = PASSWORD) =>
    server.gql(`mutation ($i: LoginInput!) { login(input: $i) { sessionId } }`, { i: { username, password } });

  it('deactivation disables the user’s tokens and login; reactivation allows login again', async () => {
    const admin = await makeAdmin();
    const { username, a, b } = await userWithTwoSessions();
    const off = await server.gql(SET_ACTIVE, { id: a.user.id, active: false }, { token: admin.accessToken });
    expect(off.body.data.setUserActive).toEqual({ id: a.user.id, isActive: false });

    expectAuthError(await me(a.accessToken), 'ACCOUNT_DISABLED');
    expectAuthError(await me(b.accessToken), 'ACCOUNT_DISABLED');
    const r = await refresh(a.refreshToken);
    expect(r.body.data?.refreshToken ?? null).toBeNull();
    expect(firstError(r).code).toBe('UNAUTHENTICATED');
    expect(firstError(await loginRes(username)).code).toBe('BAD_CREDENTIALS');
    await expectAlive(admin);

    const on = await server.gql(SET_ACTIVE, { id: a.user.id, active: true }, { token: admin.accessToken });
    expect(on.body.data.setUserActive).toEqual({ id: a.user.id, isActive: true });
    const again = await login(server, username, PASSWORD);
    await expectAlive(again);
    // Reactivation does not bring back the sessions deactivation ended.
    await expectDead(a);
  });

  it('a role change revokes the target’s tokens and leaves other users alone', async () => {
    const admin = await makeAdmin();
    const target = await userWithTwoSessions();
    const bystander = await userWithTwoSessions();
    const res = await server.gql(SET_ROLE, { id: target.a.user.id, role: 'ADMIN' }, { token: admin.accessToken });
    expect(res.body.data.setUserRole).toEqual({ id: target.a.user.id, role: 'ADMIN' });

    await expectDead(target.a);
    await expectDead(target.b);
    await expectAlive(bystander.a);
    await expectAlive(admin);
    const fresh = await login(server, target.username, PASSWORD);
    expect((await me(fresh.accessToken)).body.data.me.role).toBe('ADMIN');
  });
});
