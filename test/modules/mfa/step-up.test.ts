import { parse, subscribe } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createTestServer, firstError, login, register, type TestServer } from '../../helpers/server';
import { makeAdmin, ok, PASSWORD } from '../../helpers/shop';
import { AUDIT, CREATE_API_TOKEN, SET_ACTIVE, as } from '../../helpers/access';
import { COMPLETE, enrolTotp, MFA_STATUS, passwordStep, RESET_MFA, totpAt } from '../../helpers/mfa';
import { loadConfig } from '../../../src/config';
import { mfaPolicyNotice } from '../../../src/modules/mfa/mfa.config';
import { applyAccessRules } from '../../../src/modules/access/directives';
import { loadTypeDefs } from '../../../src/schema';
import { readBearer } from '../../../src/context';
import { SocketContext } from '../../../src/modules/live/live.context';

const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }`;
const HEADER = 'Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:tokengate:mfa"';

/** Signs in with the password and the current TOTP code (the clock then moves a step on). */
async function mfaLogin(server: TestServer, username: string, secret: string): Promise<any> {
  const { mfaToken } = await passwordStep(server, username, PASSWORD);
  const done = await ok(server.gql(COMPLETE, { t: mfaToken, code: totpAt(secret, server.clock.now()) }), 'completeMfaLogin');
  server.clock.advance(30);
  return done;
}

describe('step-up (RFC 9470)', () => {
  let server: TestServer;
  beforeEach(async () => (server = await createTestServer()));
  afterEach(() => server.close());

  it('a session without the second factor gets 401 insufficient_user_authentication with acr_values and max_age', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    const input = { currentPassword: PASSWORD, newPassword: 'another long passphrase' };
    for (const [query, variables] of [[CHANGE_PASSWORD, { input }], [CREATE_API_TOKEN, { name: 'ci', scopes: [], days: 30 }]] as const) {
      const res = await server.gql(query, variables, as(alice));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`${HEADER}, max_age=600`);
      expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INSUFFICIENT_USER_AUTHENTICATION', acrValues: 'urn:tokengate:mfa', maxAge: 600 });
    }
    const stepped = await mfaLogin(server, 'alice', secret);
    await ok(server.gql(CREATE_API_TOKEN, { name: 'ci', scopes: [], days: 30 }, as(stepped)), 'createApiToken');
    // Past FRESH_LOGIN_WINDOW the second factor is not fresh any more.
    server.clock.advance(601);
    const stale = await server.gql(CHANGE_PASSWORD, { input }, as(stepped));
    expect(stale.status).toBe(401);
    expect(firstError(stale)).toMatchObject({ reason: 'INSUFFICIENT_USER_AUTHENTICATION', maxAge: 600 });
    await ok(server.gql(CHANGE_PASSWORD, { input }, as(await mfaLogin(server, 'alice', secret))), 'changePassword');
  });

  it('an account without a second factor keeps FORBIDDEN FRESH_LOGIN_REQUIRED', async () => {
    const bob = await register(server, 'bob', PASSWORD);
    server.clock.advance(601);
    const res = await server.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'another long passphrase' } }, as(bob));
    expect(res.status).toBe(403);
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
  });
});

describe('MFA_REQUIRED_FOR', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('refuses users:manage to an admin until it enrols, then to sessions without the second factor; the rest works', async () => {
    server = await createTestServer({ MFA_REQUIRED_FOR: 'users:manage,roles:manage' });
    const admin = await makeAdmin(server, 'root');
    const bob = await register(server, 'bob', PASSWORD);
    const before = await server.gql(SET_ACTIVE, { id: bob.user.id, active: false }, as(admin));
    expect(before.status).toBe(403);
    expect(firstError(before)).toMatchObject({ code: 'FORBIDDEN', reason: 'MFA_ENROLLMENT_REQUIRED', missing: 'users:manage' });
    await ok(server.gql(MFA_STATUS, {}, as(admin)), 'me'); // everything else works
    await ok(server.gql(AUDIT, {}, as(admin)), 'auditEvents');
    // Without a second factor the permission is not in effect, so no token carrying it can be minted either.
    const early = await server.gql(CREATE_API_TOKEN, { name: 'early', scopes: ['users:manage'], days: 30 }, as(admin));
    expect(firstError(early)).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD', missing: 'users:manage' });

    const { secret } = await enrolTotp(server, admin.accessToken);
    const old = await server.gql(SET_ACTIVE, { id: bob.user.id, active: false }, as(admin));
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toBe(HEADER);
    expect(firstError(old)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INSUFFICIENT_USER_AUTHENTICATION' });

    const stepped = await mfaLogin(server, 'root', secret);
    expect(await ok(server.gql(SET_ACTIVE, { id: bob.user.id, active: false }, as(stepped)), 'setUserActive')).toEqual({ id: bob.user.id, isActive: false });
    // A token minted from the session opened with the second factor carries it.
    const late = await ok(server.gql(CREATE_API_TOKEN, { name: 'late', scopes: ['users:manage'], days: 30 }, as(stepped)), 'createApiToken');
    expect(await ok(server.gql(SET_ACTIVE, { id: bob.user.id, active: true }, as(late.token)), 'setUserActive')).toEqual({ id: bob.user.id, isActive: true });
    // A token from before the rule (or before the owner enrolled) carries no second factor: refused, saying so.
    await server.app.orm.em.fork().nativeUpdate('ApiToken', { id: late.apiToken.id }, { secondFactor: false });
    const byEarly = await server.gql(SET_ACTIVE, { id: bob.user.id, active: false }, as(late.token));
    expect(byEarly.status).toBe(403);
    expect(firstError(byEarly)).toMatchObject({ code: 'FORBIDDEN', reason: 'API_TOKEN_WITHOUT_SECOND_FACTOR', missing: 'users:manage' });
  });

  it('gates the listed permission wherever it is checked: policies and resolvers too, not only @requiresScopes', async () => {
    server = await createTestServer({ MFA_REQUIRED_FOR: 'sessions:manage' });
    const admin = await makeAdmin(server, 'root');
    const bob = await register(server, 'bob', PASSWORD);
    const bobSession = (await ok(server.gql('{ mySessions { id } }', {}, as(bob)), 'mySessions'))[0].id;
    const { secret } = await enrolTotp(server, admin.accessToken);
    // grantRole needs roles:manage only; its answer's sessions need sessions:manage (the ownSessions policy).
    const peek = await server.gql(`mutation ($id: ID!) { grantRole(userId: $id, role: "USER") { id sessions { id ip } } }`, { id: bob.user.id }, as(admin));
    expect(firstError(peek)).toMatchObject({ code: 'FORBIDDEN' });
    expect(JSON.stringify(peek.body.data ?? null)).not.toContain(bobSession);
    const end = await server.gql(`mutation ($id: ID!) { revokeSession(id: $id) }`, { id: bobSession }, as(admin));
    expect(end.body.data?.revokeSession ?? null).toBeNull();
    const stepped = await mfaLogin(server, 'root', secret);
    const seen = await ok(server.gql(`query ($id: ID!) { user(id: $id) { sessions { id } } }`, { id: bob.user.id }, as(stepped)), 'user');
    expect(seen.sessions.map((x: any) => x.id)).toContain(bobSession);
    expect(await ok(server.gql(`mutation ($id: ID!) { revokeSession(id: $id) }`, { id: bobSession }, as(stepped)), 'revokeSession')).toBe(true);
  });

  it('is off by default, and the production start log says so', async () => {
    server = await createTestServer();
    const admin = await makeAdmin(server, 'root');
    const bob = await register(server, 'bob', PASSWORD);
    await ok(server.gql(SET_ACTIVE, { id: bob.user.id, active: false }, as(admin)), 'setUserActive');
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'sqlite::memory:' };
    expect(mfaPolicyNotice('production', loadConfig(prod).mfa)).toMatch(/MFA_REQUIRED_FOR is none/);
    expect(mfaPolicyNotice('production', loadConfig({ ...prod, MFA_REQUIRED_FOR: 'users:manage' }).mfa)).toBeNull();
    expect(() => loadConfig({ ...prod, MFA_REQUIRED_FOR: 'users:mange' })).toThrow(/MFA_REQUIRED_FOR.*users:mange/);
  });

  it('applies the same rule to a subscription on a socket', async () => {
    server = await createTestServer({ MFA_REQUIRED_FOR: 'users:manage' });
    const admin = await makeAdmin(server, 'root');
    // No subscription of the schema needs a permission yet: one is added here, guarded as the real ones are.
    const schema = applyAccessRules(
      makeExecutableSchema({
        typeDefs: [...loadTypeDefs(), 'extend type Subscription { accountsChanged: String @requiresScopes(scopes: [["users:manage"]]) }'],
        resolvers: { Subscription: { accountsChanged: { subscribe: async function* () { yield { accountsChanged: 'changed' }; } } } },
      }),
    );
    const deps = { em: server.app.orm.em, services: server.app.services, config: server.config, clock: server.clock };
    const onSocket = (token: string) =>
      subscribe({
        schema,
        document: parse('subscription { accountsChanged }'),
        contextValue: new SocketContext(deps, readBearer(`Bearer ${token}`, (t) => server.app.services.tokens.verify(t)), { ip: null, userAgent: null }),
      });
    const refused = (await onSocket(admin.accessToken)) as { errors?: Array<{ extensions: Record<string, unknown> }> };
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MFA_ENROLLMENT_REQUIRED' });
    const { secret } = await enrolTotp(server, admin.accessToken);
    const again = (await onSocket(admin.accessToken)) as { errors?: Array<{ extensions: Record<string, unknown> }> };
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INSUFFICIENT_USER_AUTHENTICATION' });
    const stepped = await mfaLogin(server, 'root', secret);
    const stream = (await onSocket(stepped.accessToken)) as AsyncIterator<unknown>;
    expect(typeof stream.next).toBe('function');
    expect((await stream.next()).value).toEqual({ data: { accountsChanged: 'changed' } });
    await stream.return?.();
  });
});

describe('resetMfa', () => {
  let server: TestServer;
  beforeEach(async () => (server = await createTestServer()));
  afterEach(() => server.close());

  it('takes every factor off an account, audited; the actor must hold each of its permissions', async () => {
    const admin = await makeAdmin(server, 'root');
    const alice = await register(server, 'alice', PASSWORD);
    await enrolTotp(server, alice.accessToken);
    const reset = await ok(server.gql(RESET_MFA, { id: alice.user.id }, as(admin)), 'resetMfa');
    expect(reset).toEqual({ id: alice.user.id, mfaEnabled: false });
    await ok(server.gql(`mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`, { input: { username: 'alice', password: PASSWORD } }), 'login');
    await server.app.services.audit.flush(); // the trail is written in 20 ms batches
    const events = await ok(server.gql(AUDIT, { type: 'MFA_RESET' }, as(admin)), 'auditEvents');
    expect(events.edges.map((e: any) => [e.node.userId, JSON.parse(e.node.detail)])).toEqual([[alice.user.id, { by: admin.user.id }]]);

    // A support desk with users:manage cannot reset an admin (the rule setUserActive applies).
    await ok(server.gql(`mutation { createRole(name: "SUPPORT", permissions: ["users:manage"]) { name } }`, {}, as(admin)), 'createRole');
    const desk = await register(server, 'desk', PASSWORD);
    await ok(server.gql(`mutation ($id: ID!) { grantRole(userId: $id, role: "SUPPORT") { id } }`, { id: desk.user.id }, as(admin)), 'grantRole');
    const deskSession = await login(server, 'desk', PASSWORD);
    expect(firstError(await server.gql(RESET_MFA, { id: admin.user.id }, as(deskSession)))).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD' });
    await ok(server.gql(`mutation ($id: ID!) { resetMfa(userId: $id) { id } }`, { id: alice.user.id }, as(deskSession)), 'resetMfa');
    expect(firstError(await server.gql(RESET_MFA, { id: alice.user.id }, as(alice)))).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' });
  });
});
