import type { EntityManager } from '@mikro-orm/core';
import { User } from '../../../src/modules/user/user.entity';
import { AuditEvent } from '../../../src/modules/audit/audit-event.entity';
import { createTestServer, firstError, LOGIN, ME, REFRESH, REGISTER, type GqlResponse, type TestServer } from '../../helpers/server';

const EVENTS = `query ($first: Int, $after: String, $userId: ID, $type: AuditEventType) {
  auditEvents(first: $first, after: $after, userId: $userId, type: $type) {
    edges { cursor node { id type at userId sessionId ip userAgent detail } } pageInfo { hasNextPage endCursor } totalCount
  }
}`;
const LOGOUT = `mutation ($token: String) { logout(refreshToken: $token) }`;
const LOGOUT_ALL = `mutation { logoutAll }`;
const REVOKE = `mutation ($id: ID!) { revokeSession(id: $id) }`;
const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken refreshToken sessionId } }`;
const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id isActive } }`;
const SET_ROLE = `mutation ($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { id role } }`;

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const WRONG = 'wrong horse battery staple';
/** Typed into the username box by mistake: must never reach the audit trail. */
const GHOST = 'Tr0ub4dor-typed-as-name';
const UA = 'audit-suite/1.0';

interface Expected { type: string; userId?: string | null; sessionId?: string | null; reason?: string }
type Node = { id: string; type: string; at: string; userId: string | null; sessionId: string | null; ip: string | null; userAgent: string | null; detail: string | null };

/** A GraphQL call from a recognisable client; throws (with the errors) unless `field` resolved. */
async function ok(server: TestServer, query: string, variables: Record<string, unknown>, field: string, token?: string): Promise<any> {
  const res = await server.gql(query, variables, { token, headers: { 'user-agent': UA } });
  if (res.body.data?.[field] == null) throw new Error(`${field} failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data[field];
}
const call = (server: TestServer, query: string, variables: Record<string, unknown>, token?: string) =>
  server.gql(query, variables, { token, headers: { 'user-agent': UA } });
const nodes = (res: GqlResponse): Node[] => res.body.data.auditEvents.edges.map((e: any) => e.node);

describe('auditEvents over HTTP', () => {
  let server: TestServer;
  const expected: Expected[] = [];
  const secrets: string[] = [PASSWORD, NEW_PASSWORD, WRONG];
  let alice: any, bob: any, carol: any, root: any, bobLogin: any;
  let page: GqlResponse;
  let all: Node[];
  const byType = (type: string) => all.filter((n) => n.type === type);
  const events = (variables: Record<string, unknown>, token = root.accessToken) => call(server, EVENTS, variables, token);

  /** Runs an operation that issues a pair and remembers its secrets. */
  async function issue(query: string, variables: Record<string, unknown>, field: string, token?: string) {
    const pair = await ok(server, query, variables, field, token);
    secrets.push(pair.accessToken, pair.accessToken.split('.')[2], pair.refreshToken, pair.refreshToken.slice(4));
    return pair;
  }
  const signIn = (username: string, password = PASSWORD) => issue(LOGIN, { input: { username, password } }, 'login');

  beforeAll(async () => {
    server = await createTestServer();
    alice = await issue(REGISTER, { input: { username: 'alice', password: PASSWORD } }, 'register');
    expected.push({ type: 'REGISTERED', userId: alice.user.id, sessionId: alice.sessionId });
    const s2 = await signIn('alice');
    expected.push({ type: 'LOGIN_SUCCEEDED', userId: alice.user.id, sessionId: s2.sessionId });

    expect(firstError(await call(server, LOGIN, { input: { username: 'alice', password: WRONG } })).code).toBe('BAD_CREDENTIALS');
    expected.push({ type: 'LOGIN_FAILED', userId: alice.user.id, sessionId: null, reason: 'BAD_PASSWORD' });
    expect(firstError(await call(server, LOGIN, { input: { username: GHOST, password: PASSWORD } })).code).toBe('BAD_CREDENTIALS');
    expected.push({ type: 'LOGIN_FAILED', userId: null, sessionId: null, reason: 'UNKNOWN_USER' });

    const r1 = await issue(REFRESH, { token: s2.refreshToken }, 'refreshToken');
    await issue(REFRESH, { token: r1.refreshToken }, 'refreshToken');
    expected.push({ type: 'REFRESHED', userId: alice.user.id, sessionId: s2.sessionId }, { type: 'REFRESHED', userId: alice.user.id, sessionId: s2.sessionId });
    expect(firstError(await call(server, REFRESH, { token: s2.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_REUSED' });
    expected.push({ type: 'REFRESH_REUSED', userId: alice.user.id, sessionId: s2.sessionId });

    const s3 = await signIn('alice');
    expect(await ok(server, LOGOUT, { token: s3.refreshToken }, 'logout')).toBe(true);
    const s4 = await signIn('alice');
    const s5 = await signIn('alice');
    expect(await ok(server, REVOKE, { id: s4.sessionId }, 'revokeSession', s5.accessToken)).toBe(true);
    const changed = await issue(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, 'changePassword', s5.accessToken);
    expect(await ok(server, LOGOUT_ALL, {}, 'logoutAll', changed.accessToken)).toBe(true);
    expected.push(
      { type: 'LOGIN_SUCCEEDED', userId: alice.user.id, sessionId: s3.sessionId },
      { type: 'LOGOUT', userId: alice.user.id, sessionId: s3.sessionId },
      { type: 'LOGIN_SUCCEEDED', userId: alice.user.id, sessionId: s4.sessionId },
      { type: 'LOGIN_SUCCEEDED', userId: alice.user.id, sessionId: s5.sessionId },
      { type: 'SESSION_REVOKED', userId: alice.user.id, sessionId: s4.sessionId },
      { type: 'PASSWORD_CHANGED', userId: alice.user.id, sessionId: s5.sessionId },
      { type: 'LOGOUT_ALL', userId: alice.user.id },
    );

    bob = await issue(REGISTER, { input: { username: 'bob', password: PASSWORD } }, 'register');
    carol = await issue(REGISTER, { input: { username: 'carol', password: PASSWORD } }, 'register');
    const rootFirst = await issue(REGISTER, { input: { username: 'root', password: PASSWORD } }, 'register');
    await server.app.orm.em.fork().nativeUpdate(User, { id: rootFirst.user.id }, { role: 'ADMIN' });
    root = await signIn('root');
    expected.push(
      { type: 'REGISTERED', userId: bob.user.id, sessionId: bob.sessionId },
      { type: 'REGISTERED', userId: carol.user.id, sessionId: carol.sessionId },
      { type: 'REGISTERED', userId: root.user.id, sessionId: rootFirst.sessionId },
      { type: 'LOGIN_SUCCEEDED', userId: root.user.id, sessionId: root.sessionId },
    );
    expect((await ok(server, SET_ROLE, { id: carol.user.id, role: 'ADMIN' }, 'setUserRole', root.accessToken)).role).toBe('ADMIN');
    expect((await ok(server, SET_ACTIVE, { id: bob.user.id, active: false }, 'setUserActive', root.accessToken)).isActive).toBe(false);
    expect((await ok(server, SET_ACTIVE, { id: bob.user.id, active: true }, 'setUserActive', root.accessToken)).isActive).toBe(true);
    bobLogin = await signIn('bob');
    expected.push(
      { type: 'ROLE_CHANGED', userId: carol.user.id },
      { type: 'USER_DEACTIVATED', userId: bob.user.id },
      { type: 'USER_ACTIVATED', userId: bob.user.id },
      { type: 'LOGIN_SUCCEEDED', userId: bob.user.id, sessionId: bobLogin.sessionId },
    );

    await server.app.services.audit.flush();
    page = await events({ first: 100 });
    if (page.body.errors) throw new Error(JSON.stringify(page.body.errors));
    all = nodes(page);
  });
  afterAll(() => server.close());

  it('records every operation once, newest first, with its user and session', () => {
    const newestFirst = [...expected].reverse();
    expect(all.map((n) => n.type)).toEqual(newestFirst.map((e) => e.type));
    expect(page.body.data.auditEvents.totalCount).toBe(expected.length);
    expect(page.body.data.auditEvents.pageInfo.hasNextPage).toBe(false);
    all.forEach((node, i) => {
      const want = newestFirst[i];
      expect({ type: node.type, userId: node.userId }).toEqual({ type: want.type, userId: want.userId ?? null });
      if (want.sessionId !== undefined) expect({ type: node.type, sessionId: node.sessionId }).toEqual({ type: want.type, sessionId: want.sessionId });
      expect(node.at).toBe(server.clock.now().toISOString());
    });
    expect([...all.map((n) => n.id)].sort().reverse()).toEqual(all.map((n) => n.id));
  });

  it('stores the client address and user agent of the events recorded in the request', () => {
    const clientEvents = all.filter((n) => !['LOGOUT_ALL', 'ROLE_CHANGED', 'USER_DEACTIVATED', 'USER_ACTIVATED'].includes(n.type));
    expect(clientEvents.length).toBeGreaterThan(15);
    for (const n of clientEvents) expect({ type: n.type, ip: n.ip, userAgent: n.userAgent }).toEqual({ type: n.type, ip: '127.0.0.1', userAgent: UA });
  });

  it('stores the client address of logoutAll and of admin actions too', () => {
    const rest = all.filter((n) => ['LOGOUT_ALL', 'ROLE_CHANGED', 'USER_DEACTIVATED', 'USER_ACTIVATED'].includes(n.type));
    expect(rest).toHaveLength(4);
    expect(rest.map((n) => ({ type: n.type, ip: n.ip }))).toEqual(rest.map((n) => ({ type: n.type, ip: '127.0.0.1' })));
  });

  it('keeps event facts in detail: failure reasons, role change, actor, sessions ended', () => {
    const detail = (n: Node) => (n.detail === null ? null : JSON.parse(n.detail));
    expect(byType('LOGIN_FAILED').map(detail)).toEqual([{ reason: 'UNKNOWN_USER' }, { reason: 'BAD_PASSWORD' }]);
    expect(detail(byType('ROLE_CHANGED')[0])).toEqual({ from: 'USER', to: 'ADMIN', by: root.user.id });
    expect(detail(byType('USER_DEACTIVATED')[0])).toEqual({ by: root.user.id });
    expect(detail(byType('USER_ACTIVATED')[0])).toEqual({ by: root.user.id });
    // changePassword already ended alice's other sessions; logoutAll ended the last one.
    expect(detail(byType('LOGOUT_ALL')[0])).toEqual({ ended: 1 });
  });

  it('never stores the unknown username, a password or any token', () => {
    const text = JSON.stringify(page.body).toLowerCase();
    expect(text).not.toContain(GHOST.toLowerCase());
    expect(secrets.length).toBeGreaterThan(40);
    for (const secret of secrets) expect(text.includes(secret.toLowerCase()) ? secret : null).toBeNull();
  });

  it('filters by type, by user, and by both', async () => {
    const failed = await events({ first: 100, type: 'LOGIN_FAILED' });
    expect(nodes(failed).map((n) => [n.type, n.userId])).toEqual([['LOGIN_FAILED', null], ['LOGIN_FAILED', alice.user.id]]);
    expect(failed.body.data.auditEvents.totalCount).toBe(2);

    const ofAlice = await events({ first: 100, userId: alice.user.id });
    expect(nodes(ofAlice).map((n) => n.id)).toEqual(all.filter((n) => n.userId === alice.user.id).map((n) => n.id));
    expect(ofAlice.body.data.auditEvents.totalCount).toBe(expected.filter((e) => e.userId === alice.user.id).length);

    const both = await events({ first: 100, userId: alice.user.id, type: 'LOGIN_SUCCEEDED' });
    expect(nodes(both)).toHaveLength(4);
    expect(both.body.data.auditEvents.totalCount).toBe(4);
    expect(nodes(both).every((n) => n.type === 'LOGIN_SUCCEEDED' && n.userId === alice.user.id)).toBe(true);
  });

  it('pages with first/after, keeping totalCount, until hasNextPage is false', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res = await events({ first: 4, after });
      const conn = res.body.data.auditEvents;
      expect(conn.totalCount).toBe(expected.length);
      expect(conn.edges.length).toBeLessThanOrEqual(4);
      seen.push(...nodes(res).map((n) => n.id));
      expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((n) => n.id));
    const filtered = await events({ first: 2, userId: bob.user.id });
    const next = await events({ first: 2, userId: bob.user.id, after: filtered.body.data.auditEvents.pageInfo.endCursor });
    expect([...nodes(filtered), ...nodes(next)].map((n) => n.type)).toEqual(['LOGIN_SUCCEEDED', 'USER_ACTIVATED', 'USER_DEACTIVATED', 'REGISTERED']);
    expect(next.body.data.auditEvents.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a bad page size or cursor with BAD_USER_INPUT', async () => {
    for (const [variables, field] of [[{ first: 0 }, 'first'], [{ first: 101 }, 'first'], [{ first: 5, after: 'not-a-cursor' }, 'after']] as const) {
      const res = await events(variables);
      expect(res.body.data ?? null).toBeNull();
      expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('is for admins only: a USER gets FORBIDDEN 403, no token gets 401', async () => {
    const res = await events({ first: 10 }, bobLogin.accessToken);
    expect(res.status).toBe(403);
    expect(res.body.data ?? null).toBeNull();
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' });
    const anonymous = await server.gql(EVENTS, { first: 10 });
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
  });
});

describe('LOGIN_LOCKED', () => {
  it('is recorded when the per-client login limit refuses an attempt, without the typed username', async () => {
    const server = await createTestServer({ RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    try {
      const first = await ok(server, REGISTER, { input: { username: 'root', password: PASSWORD } }, 'register');
      await server.app.orm.em.fork().nativeUpdate(User, { id: first.user.id }, { role: 'ADMIN' });
      const root = await ok(server, LOGIN, { input: { username: 'root', password: PASSWORD } }, 'login');
      for (let i = 0; i < 2; i++) expect(firstError(await call(server, LOGIN, { input: { username: GHOST, password: WRONG } })).code).toBe('BAD_CREDENTIALS');
      const locked = await call(server, LOGIN, { input: { username: GHOST, password: WRONG } });
      expect(locked.status).toBe(429);
      expect(firstError(locked).code).toBe('RATE_LIMITED');

      await server.app.services.audit.flush();
      const res = await call(server, EVENTS, { first: 100 }, root.accessToken);
      const all = nodes(res);
      expect(all.map((n) => n.type)).toEqual(['LOGIN_LOCKED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_SUCCEEDED', 'REGISTERED']);
      expect(all[0]).toMatchObject({ userId: null, sessionId: null, ip: '127.0.0.1', userAgent: UA });
      expect(JSON.parse(all[0].detail!)).toEqual({ limit: 'loginIp', retryAfter: firstError(locked).retryAfter });
      expect(JSON.stringify(res.body).toLowerCase()).not.toContain(GHOST.toLowerCase());
    } finally {
      await server.close();
    }
  });

  it('is recorded once when a lockout starts, and once when it ends with the count it refused: 200 refused logins, a handful of rows', async () => {
    const server = await createTestServer({ RATE_LOGIN_IP_MAX: '2', RATE_LOGIN_IP_BLOCK: '300', RATE_LOGIN_ACCOUNT_MAX: '1000' });
    try {
      const em = server.app.orm.em.fork();
      const count = async () => (await server.app.services.audit.flush(), em.count(AuditEvent, { type: 'LOGIN_LOCKED' }));
      for (let i = 0; i < 2; i++) await call(server, LOGIN, { input: { username: `${GHOST}${i}`, password: WRONG } });
      for (let i = 0; i < 200; i++) {
        // Another name each time: the client's lock, not the account's, refuses them all.
        expect(firstError(await call(server, LOGIN, { input: { username: `${GHOST}-${i}`, password: WRONG } })).code).toBe('RATE_LIMITED');
      }
      expect(await count()).toBe(1);
      // Once the lockout is over, the next attempt closes it with the number of requests it refused.
      server.clock.advance(301);
      await call(server, LOGIN, { input: { username: GHOST, password: WRONG } });
      await server.app.services.audit.flush();
      const rows = await em.find(AuditEvent, { type: 'LOGIN_LOCKED' }, { orderBy: { id: 'asc' } });
      expect(rows.length).toBeLessThanOrEqual(3);
      expect(rows.map((r) => JSON.parse(r.detail!))).toContainEqual({ limit: 'loginIp', refused: 200, ended: true });
    } finally {
      await server.close();
    }
  });
});

describe('recording never fails the operation', () => {
  let server: TestServer;
  const unhandled = jest.fn();
  beforeAll(async () => {
    process.on('unhandledRejection', unhandled);
    server = await createTestServer();
    await ok(server, REGISTER, { input: { username: 'alice', password: PASSWORD } }, 'register');
    await server.app.services.audit.flush();
  });
  afterAll(async () => {
    process.off('unhandledRejection', unhandled);
    await server.close();
  });
  // Events are written in batches: each test's are written (or given up on) under its own mocks.
  afterEach(async () => {
    await server.app.services.audit.flush();
    jest.restoreAllMocks();
  });
  const audit = () => server.app.services.audit as unknown as { getEm: () => EntityManager };

  it('answers login when the audit write throws, and logs a warning', async () => {
    const warn = jest.spyOn(server.app.logger, 'warn');
    jest.spyOn(audit(), 'getEm').mockImplementation(() => { throw new Error('audit store gone'); });
    const pair = await ok(server, LOGIN, { input: { username: 'alice', password: PASSWORD } }, 'login');
    expect((await server.gql(ME, {}, { token: pair.accessToken })).body.data?.me.username).toBe('alice');
    await server.app.services.audit.flush();
    expect(warn).toHaveBeenCalledWith('audit event not recorded', expect.objectContaining({ type: 'LOGIN_SUCCEEDED' }));
  });

  it('does not wait for a slow audit write', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = { fork: () => ({ insertMany: () => gate }) } as unknown as EntityManager;
    jest.spyOn(audit(), 'getEm').mockReturnValue(slow);
    const login = call(server, LOGIN, { input: { username: 'alice', password: PASSWORD } });
    let timer: NodeJS.Timeout | undefined;
    const winner = await Promise.race([login.then(() => 'login'), new Promise((r) => (timer = setTimeout(() => r('timeout'), 3000)))]);
    clearTimeout(timer);
    release();
    expect(winner).toBe('login');
    expect((await login).body.data?.login.user.username).toBe('alice');
  });

  it('answers login, refresh and register when the audit table is gone', async () => {
    const warn = jest.spyOn(server.app.logger, 'warn');
    await server.app.orm.em.getConnection().execute('drop table audit_events');
    const pair = await ok(server, LOGIN, { input: { username: 'alice', password: PASSWORD } }, 'login');
    expect((await ok(server, REFRESH, { token: pair.refreshToken }, 'refreshToken')).sessionId).toBe(pair.sessionId);
    expect((await ok(server, REGISTER, { input: { username: 'bob', password: PASSWORD } }, 'register')).user.username).toBe('bob');
    expect(firstError(await call(server, LOGIN, { input: { username: 'alice', password: WRONG } })).code).toBe('BAD_CREDENTIALS');
    await server.app.services.audit.flush();
    expect(warn.mock.calls.filter(([msg]) => msg === 'audit event not recorded').map(([, data]) => data?.type).sort()).toEqual([
      'LOGIN_FAILED', 'LOGIN_SUCCEEDED', 'REFRESHED', 'REGISTERED',
    ]);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
