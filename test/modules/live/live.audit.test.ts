import type { Client } from 'graphql-ws';
import { createTestServer, firstError, login, register, type TestServer } from '../../helpers/server';
import { as, createRole, GRANT_ROLE, makeAdmin, ok, PASSWORD, REVOKE_ROLE, userWithRole } from '../../helpers/access';
import { RawSocket, sleep, wsClient, wsUrl, type Closed } from '../../helpers/ws';

const TAIL = `subscription ($filter: AuditFilter) { auditEventAdded(filter: $filter) { id type userId actorId outcome ip } }`;
const REVOKE_USER_SESSIONS = `mutation ($userId: ID!) { revokeUserSessions(userId: $userId) }`;
const failedSignIn = (server: TestServer, username: string) =>
  server.gql('mutation ($u: String!) { login(input: { username: $u, password: "not the password" }) { accessToken } }', { u: username });

/** A graphql-ws client following the tail: what arrived, what failed, and how its socket closed. */
function follow(server: TestServer, accessToken: string, filter?: Record<string, unknown>) {
  const events: any[] = [];
  const errors: unknown[] = [];
  let closedWith: (c: Closed) => void = () => undefined;
  const closed = new Promise<Closed>((resolve) => (closedWith = resolve));
  const client: Client = wsClient(server, () => ({ accessToken }), {
    on: { closed: (e) => closedWith({ code: (e as Closed).code, reason: String((e as Closed).reason) }) },
  });
  const state = { ready: false };
  const take = (event: any) => {
    if (!(state.ready && event.ip === 'probe')) events.push(event); // a late probe after listening() is no event of the test
  };
  const stop = client.subscribe({ query: TAIL, variables: { filter } }, { next: (r) => (r.errors ? errors.push(r.errors) : take(r.data!.auditEventAdded)), error: (e) => errors.push(e), complete: () => undefined });
  const started = client.on('connected', () => undefined);
  const until = async (pred: (e: any) => boolean, ms = 2000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = events.find(pred);
      if (found) return found;
      await sleep(20);
    }
    throw new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events)} ${JSON.stringify(errors)}`);
  };
  return { events, errors, closed, until, state, close: () => (stop(), started(), client.dispose()) };
}

describe('auditEventAdded', () => {
  let server: TestServer;
  let admin: any;
  let support: any;

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    await register(server, 'alice', PASSWORD);
    await createRole(server, admin, 'SUPPORT', ['users:read', 'audit:read']);
    support = await userWithRole(server, admin, 'sam', 'SUPPORT');
  });
  afterAll(() => server.close());

  /** Until every follower is listening: probe rows (matching every filter here) are recorded until each has one. */
  async function listening(...followers: Array<ReturnType<typeof follow>>): Promise<void> {
    await server.app.services.audit.flush();
    while (!followers.every((f) => f.events.some((e) => e.ip === 'probe'))) {
      server.app.services.audit.record({ type: 'LOGIN_FAILED', ip: 'probe' });
      await sleep(100);
    }
    for (const f of followers) {
      f.state.ready = true;
      f.events.length = 0;
    }
  }

  it('delivers a failed sign-in made by another client within 2 s, filtered as asked', async () => {
    const all = follow(server, support.accessToken);
    const failures = follow(server, support.accessToken, { types: ['LOGIN_FAILED'], outcome: 'FAILURE' });
    await listening(all, failures);
    await login(server, 'alice', PASSWORD);
    const started = Date.now();
    await failedSignIn(server, 'alice');
    const event = await failures.until((e) => e.type === 'LOGIN_FAILED');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(event).toMatchObject({ type: 'LOGIN_FAILED', outcome: 'FAILURE', actorId: null, ip: '127.0.0.1' });
    await all.until((e) => e.type === 'LOGIN_FAILED');
    expect(all.events.map((e) => e.type)).toEqual(['LOGIN_SUCCEEDED', 'LOGIN_FAILED']);
    expect(failures.events.map((e) => e.type)).toEqual(['LOGIN_FAILED']);
    all.close();
    failures.close();
  });

  it('is refused to an account without audit:read, before it starts', async () => {
    const alice = await login(server, 'alice', PASSWORD);
    const socket = new RawSocket(wsUrl(server));
    expect(await socket.init({ accessToken: alice.accessToken })).toBe('ack');
    socket.subscribe('tail', TAIL);
    const refused = await socket.next((m) => m.id === 'tail');
    // graphql-ws sends a subscribe function's refusal as one `next` with errors, then `complete`.
    expect(refused.type).toBe('next');
    expect(refused.payload.data ?? null).toBeNull();
    expect(refused.payload.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'audit:read' });
    await failedSignIn(server, 'alice');
    await sleep(300);
    expect(socket.messages.filter((m) => m.id === 'tail' && m.type === 'next')).toEqual([]);
    socket.close();
  });

  it('stops when audit:read is revoked: the socket closes and no later event reaches it', async () => {
    const viewer = await userWithRole(server, admin, 'sue', 'SUPPORT');
    const tail = follow(server, viewer.accessToken);
    await listening(tail);
    await failedSignIn(server, 'alice');
    const seen = await tail.until((e) => e.type === 'LOGIN_FAILED');
    await ok(server.gql(REVOKE_ROLE, { userId: viewer.user.id, role: 'SUPPORT' }, as(admin)), 'revokeRole');
    expect(await tail.closed).toEqual({ code: 4403, reason: 'PERMISSIONS_CHANGED' });
    await failedSignIn(server, 'alice');
    await sleep(300);
    // Neither the revocation's own row nor anything after it was delivered.
    expect(tail.events[tail.events.length - 1]).toBe(seen);
    expect(tail.events.map((e) => e.type)).not.toContain('ROLE_REVOKED');
    tail.close();
  });

  it('stops when audit:read is revoked from a socket that opened before the role was granted', async () => {
    const dan = await register(server, 'dan', PASSWORD);
    let closedWith: (c: Closed) => void = () => undefined;
    const closed = new Promise<Closed>((resolve) => (closedWith = resolve));
    const client: Client = wsClient(server, () => ({ accessToken: dan.accessToken }), { on: { closed: (e) => closedWith({ code: (e as Closed).code, reason: String((e as Closed).reason) }) } });
    // The socket opens while dan holds nothing: his cart keeps it open.
    const stopCart = client.subscribe({ query: 'subscription { cartChanged { __typename } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));
    await ok(server.gql(GRANT_ROLE, { userId: dan.user.id, role: 'SUPPORT' }, as(admin)), 'grantRole');
    await sleep(200); // the grant's re-check of dan's sockets
    const events: any[] = [];
    const stopTail = client.subscribe({ query: TAIL }, { next: (r) => void (r.data && events.push(r.data.auditEventAdded)), error: () => undefined, complete: () => undefined });
    await server.app.services.audit.flush();
    while (!events.some((e) => e.ip === 'probe')) {
      server.app.services.audit.record({ type: 'LOGIN_FAILED', ip: 'probe' });
      await sleep(100);
    }
    await ok(server.gql(REVOKE_ROLE, { userId: dan.user.id, role: 'SUPPORT' }, as(admin)), 'revokeRole');
    expect(await closed).toEqual({ code: 4403, reason: 'PERMISSIONS_CHANGED' });
    expect(events.map((e) => e.type)).not.toContain('ROLE_REVOKED');
    stopTail();
    stopCart();
    await client.dispose();
  });

  it('ends with the session: revokeUserSessions closes the follower’s socket', async () => {
    const viewer = await userWithRole(server, admin, 'sid', 'SUPPORT');
    const tail = follow(server, viewer.accessToken);
    await sleep(200);
    const res = await server.gql(REVOKE_USER_SESSIONS, { userId: viewer.user.id }, as(admin));
    expect(res.body.data.revokeUserSessions).toBe(2); // its registration's session and the login's
    expect(await tail.closed).toEqual({ code: 4403, reason: 'TOKEN_REVOKED' });
    tail.close();
  });

  it('refuses revokeUserSessions on an account holding a permission the caller lacks', async () => {
    await createRole(server, admin, 'SESSIONS', ['sessions:manage']);
    const desk = await userWithRole(server, admin, 'desk', 'SESSIONS');
    const res = await server.gql(REVOKE_USER_SESSIONS, { userId: support.user.id }, as(desk));
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD', missing: 'users:read' });
    const missing = await server.gql(REVOKE_USER_SESSIONS, { userId: '0190b7a0-0000-7000-8000-000000000000' }, as(desk));
    expect(firstError(missing).code).toBe('NOT_FOUND');
  });
});
