import { createTestServer, firstError, login, register, type TestServer } from '../../helpers/server';
import { as, makeAdmin, PASSWORD, SET_ACTIVE } from '../../helpers/access';

const EVENTS = `query ($first: Int, $after: String, $userId: ID, $type: AuditEventType, $filter: AuditFilter) {
  auditEvents(first: $first, after: $after, userId: $userId, type: $type, filter: $filter) {
    edges { cursor node { id type at userId actorId outcome detail } } pageInfo { hasNextPage endCursor } totalCount
  }
}`;
const REVOKE_USER_SESSIONS = `mutation ($userId: ID!) { revokeUserSessions(userId: $userId) }`;

describe('auditEvents(filter), actorId and outcome', () => {
  let server: TestServer;
  let admin: any;
  let alice: any;
  let bob: any;
  let middle: string;

  beforeAll(async () => {
    server = await createTestServer({ RATE_REGISTER_IP_MAX: '3', RATE_REGISTER_IP_BLOCK: '60s' });
    admin = await makeAdmin(server, 'root');
    alice = await register(server, 'alice', PASSWORD);
    bob = await register(server, 'bob', PASSWORD);
    server.clock.advance(600);
    middle = server.clock.now().toISOString();
    await server.gql('mutation { login(input: { username: "alice", password: "wrong password here" }) { accessToken } }');
    await server.gql('mutation { login(input: { username: "nobody", password: "wrong password here" }) { accessToken } }');
    await server.gql(SET_ACTIVE, { id: bob.user.id, active: false }, as(admin));
    await server.gql(SET_ACTIVE, { id: bob.user.id, active: true }, as(admin));
    alice = await login(server, 'alice', PASSWORD);
    server.clock.advance(600);
    admin = await login(server, 'root', PASSWORD); // a fresh token: the clock moved past the first one's lifetime
    expect((await server.gql(REVOKE_USER_SESSIONS, { userId: alice.user.id }, as(admin))).body.data.revokeUserSessions).toBe(2);
    alice = await login(server, 'alice', PASSWORD);
    await server.gql('mutation { logoutAll }', {}, as(alice));
    await server.app.services.audit.flush();
  });
  afterAll(() => server.close());

  const events = async (variables: Record<string, unknown>) => {
    const res = await server.gql(EVENTS, { first: 100, ...variables }, as(admin));
    expect(res.body.errors).toBeUndefined();
    return res.body.data.auditEvents;
  };
  const types = async (variables: Record<string, unknown>) => (await events(variables)).edges.map((e: any) => e.node.type);

  it('names the actor: the admin acting on someone, the person themself, nobody for an unknown or failed sign-in', async () => {
    const all = (await events({})).edges.map((e: any) => e.node);
    const find = (type: string, userId: string | null, pick = (n: any) => true) => all.filter((n: any) => n.type === type && n.userId === userId && pick(n));
    expect(find('USER_DEACTIVATED', bob.user.id)[0].actorId).toBe(admin.user.id);
    expect(find('LOGIN_FAILED', alice.user.id)[0]).toMatchObject({ actorId: null, outcome: 'FAILURE' });
    expect(find('LOGIN_FAILED', null)[0]).toMatchObject({ actorId: null, outcome: 'FAILURE' });
    expect(find('LOGIN_SUCCEEDED', alice.user.id).map((n: any) => n.actorId)).toEqual([alice.user.id, alice.user.id]);
    expect(find('LOGIN_SUCCEEDED', admin.user.id).map((n: any) => n.actorId)).toEqual([admin.user.id, admin.user.id]);
    const [own, byAdmin] = find('LOGOUT_ALL', alice.user.id);
    expect(own).toMatchObject({ actorId: alice.user.id, outcome: 'SUCCESS' });
    expect(JSON.parse(own.detail)).toEqual({ ended: 1 });
    expect(byAdmin.actorId).toBe(admin.user.id);
    expect(JSON.parse(byAdmin.detail)).toEqual({ ended: 2, by: admin.user.id });
    expect(find('REGISTERED', bob.user.id)[0].actorId).toBe(bob.user.id);
  });

  it('filters by types, subject, actor, outcome and time, and every filter must hold', async () => {
    expect(await types({ filter: { types: ['LOGIN_FAILED', 'USER_ACTIVATED'] } })).toEqual(['USER_ACTIVATED', 'LOGIN_FAILED', 'LOGIN_FAILED']);
    expect(await types({ filter: { types: [] } })).toEqual(await types({}));
    expect(await types({ filter: { actorId: admin.user.id } })).toEqual(['LOGOUT_ALL', 'LOGIN_SUCCEEDED', 'USER_ACTIVATED', 'USER_DEACTIVATED', 'LOGIN_SUCCEEDED', 'REGISTERED']);
    expect(await types({ filter: { userId: bob.user.id, actorId: admin.user.id } })).toEqual(['USER_ACTIVATED', 'USER_DEACTIVATED']);
    expect(await types({ filter: { outcome: 'FAILURE' } })).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED']);
    const successes = await events({ filter: { outcome: 'SUCCESS' } });
    expect(successes.totalCount).toBe((await events({})).totalCount - 2);
    expect(successes.edges.every((e: any) => e.node.outcome === 'SUCCESS')).toBe(true);
    // since is inclusive, until exclusive: the setup's registrations are before `middle`, the rest from it on.
    const before = await types({ filter: { until: middle } });
    expect(before).toEqual(['REGISTERED', 'REGISTERED', 'LOGIN_SUCCEEDED', 'REGISTERED']);
    const after = await events({ filter: { since: middle } });
    expect(after.totalCount + before.length).toBe((await events({})).totalCount);
    expect(after.edges.every((e: any) => e.node.at >= middle)).toBe(true);
    const later = new Date(Date.parse(middle) + 600_000).toISOString();
    expect(await types({ filter: { since: middle, until: later, userId: alice.user.id } })).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_FAILED']);
    // The older arguments and the filter together: both hold.
    expect(await types({ userId: bob.user.id, filter: { types: ['USER_DEACTIVATED', 'LOGIN_FAILED'] } })).toEqual(['USER_DEACTIVATED']);
    expect(await types({ userId: bob.user.id, filter: { userId: alice.user.id } })).toEqual([]);
    expect(await types({ type: 'LOGIN_FAILED', filter: { types: ['USER_ACTIVATED'] } })).toEqual([]);
  });

  it('pages a filtered list with the same cursors', async () => {
    const filter = { outcome: 'SUCCESS' };
    const whole = (await events({ filter })).edges.map((e: any) => e.node.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await events({ filter, first: 3, after });
      expect(page.totalCount).toBe(whole.length);
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole);
  });

  it('records RATE_LIMITED once per limiter key and block window, not per refused request', async () => {
    const attempt = (name: string) => server.gql('mutation ($u: String!) { register(input: { username: $u, password: "correct horse battery" }) { accessToken } }', { u: name });
    for (const name of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) await attempt(name); // the setup registered 3: all six refused
    expect(firstError(await attempt('r7')).code).toBe('RATE_LIMITED');
    await server.app.services.audit.flush();
    const once = (await events({ filter: { types: ['RATE_LIMITED'] } })).edges.map((e: any) => e.node);
    expect(once).toHaveLength(1);
    expect(once[0]).toMatchObject({ outcome: 'FAILURE', actorId: null, userId: null });
    expect(JSON.parse(once[0].detail)).toMatchObject({ limiter: 'register' });
    // The limiter's block runs on real time; past the block window on the audit's clock, a refusal is a new row.
    server.clock.advance(61);
    expect(firstError(await attempt('r8')).code).toBe('RATE_LIMITED');
    await server.app.services.audit.flush();
    expect((await events({ filter: { types: ['RATE_LIMITED'] } })).totalCount).toBe(2);
  });
});
