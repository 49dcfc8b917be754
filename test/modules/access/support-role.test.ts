import { Passkey } from '../../../src/modules/mfa/mfa.entities';
import { Identity } from '../../../src/modules/oidc/identity.entity';
import { ApiToken } from '../../../src/modules/access/api-token.entity';
import { createTestServer, firstError, login, register, type GqlResponse, type TestServer } from '../../helpers/server';
import { as, createApiToken, createRole, makeAdmin, PASSWORD, ROLES, userWithRole } from '../../helpers/access';
import { enrolTotp } from '../../helpers/mfa';

const PERSON = `query ($id: ID!) {
  user(id: $id) {
    id username isActive lastSignInAt email emailVerified roles permissions
    mfaFactors { totp recoveryCodesLeft passkeys { id name createdAt lastUsedAt backedUp } }
    signInMethods { password identities { id provider providerName subject email createdAt lastUsedAt } }
  }
}`;
const CATALOGUE = `{ permissionCatalogue { name description sessionOnly } }`;
const HOLDERS = `{ roles { name holderCount } }`;

/** Everything the console may ask of a person's page or do to them, with the answer the API gives SUPPORT. */
const MUTATIONS: Array<[string, string, (ids: Record<string, string>) => Record<string, unknown>, Record<string, unknown>]> = [
  ['setUserActive', `mutation ($id: ID!) { setUserActive(userId: $id, active: false) { id } }`, (i) => ({ id: i.alice }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'users:manage' }],
  ['grantRole', `mutation ($id: ID!) { grantRole(userId: $id, role: "ADMIN") { id } }`, (i) => ({ id: i.alice }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' }],
  ['revokeRole', `mutation ($id: ID!) { revokeRole(userId: $id, role: "SUPPORT") { id } }`, (i) => ({ id: i.sam }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' }],
  ['createRole', `mutation { createRole(name: "MORE", permissions: ["users:read"]) { name } }`, () => ({}), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' }],
  ['updateRole', `mutation { updateRole(name: "SUPPORT", permissions: ["users:read", "audit:read", "users:manage"]) { name } }`, () => ({}), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' }],
  ['deleteRole', `mutation { deleteRole(name: "SUPPORT") }`, () => ({}), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' }],
  ['revokeUserSessions', `mutation ($id: ID!) { revokeUserSessions(userId: $id) }`, (i) => ({ id: i.alice }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'sessions:manage' }],
  // Without sessions:manage another account's session is not even found.
  ['revokeSession', `mutation ($id: ID!) { revokeSession(id: $id) }`, (i) => ({ id: i.aliceSession }), { code: 'NOT_FOUND' }],
  ['sendPasswordReset', `mutation ($id: ID!) { sendPasswordReset(userId: $id) }`, (i) => ({ id: i.alice }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'users:manage' }],
  ['resetMfa', `mutation ($id: ID!) { resetMfa(userId: $id) { id } }`, (i) => ({ id: i.alice }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'users:manage' }],
  ['revokeApiToken', `mutation ($id: ID!) { revokeApiToken(id: $id) }`, (i) => ({ id: i.aliceToken }), { code: 'NOT_FOUND' }],
  ['setUserRole', `mutation ($id: ID!) { setUserRole(userId: $id, role: ADMIN) { id } }`, (i) => ({ id: i.alice }), { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' }],
];

describe('a SUPPORT role (users:read, audit:read) reads people and the trail, and can do nothing to them', () => {
  let server: TestServer;
  let admin: any;
  let support: any;
  let alice: any;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'SUPPORT', ['users:read', 'audit:read']);
    support = await userWithRole(server, admin, 'sam', 'SUPPORT');
    await register(server, 'alice', PASSWORD);
    alice = await login(server, 'alice', PASSWORD);
    ids.signedInAt = server.clock.now().toISOString();
    const token = await createApiToken(server, alice, []); // before TOTP: then it would need the second factor
    const { secret } = await enrolTotp(server, alice.accessToken);
    expect(secret).toBeTruthy();
    const em = server.app.orm.em.fork();
    const now = server.clock.now();
    em.persist(Object.assign(new Passkey(), { userId: alice.user.id, credentialId: 'cred-1', publicKey: 'pk-secret-material', name: 'Laptop', createdAt: now }));
    em.persist(new Identity({ userId: alice.user.id, provider: 'acme', subject: 'sub-42', email: 'alice@acme.example', now }));
    await em.flush();
    Object.assign(ids, { alice: alice.user.id, sam: support.user.id, aliceSession: alice.sessionId, aliceToken: token.apiToken.id });
  });
  afterAll(() => server.close());

  it('reads a person’s page: state, roles, second factors and sign-in methods, without any secret', async () => {
    const res = await server.gql(PERSON, { id: ids.alice }, as(support));
    expect(res.body.errors).toBeUndefined();
    const person = res.body.data.user;
    expect(person).toMatchObject({ username: 'alice', isActive: true, roles: ['USER'], permissions: [] });
    expect(person.lastSignInAt).toBe(ids.signedInAt);
    expect(person.mfaFactors).toMatchObject({ totp: true, recoveryCodesLeft: 10, passkeys: [{ name: 'Laptop', lastUsedAt: null, backedUp: false }] });
    expect(person.signInMethods).toMatchObject({ password: true, identities: [{ provider: 'acme', subject: 'sub-42', email: 'alice@acme.example', providerName: null }] });
    expect(JSON.stringify(res.body)).not.toMatch(/pk-secret-material|cred-1|tg_pat_/);
    // The same fields of one's own account, without users:read.
    const own = await server.gql(PERSON, { id: ids.alice }, as(alice));
    expect(firstError(own)).toMatchObject({ code: 'FORBIDDEN', missing: 'users:read' }); // user(id) itself needs users:read
    const me = await server.gql(`{ me { lastSignInAt mfaFactors { totp } signInMethods { password identities { provider } } } }`, {}, as(alice));
    expect(me.body.data.me).toEqual({ lastSignInAt: person.lastSignInAt, mfaFactors: { totp: true }, signInMethods: { password: true, identities: [{ provider: 'acme' }] } });
  });

  it('refuses another account’s second factors and sign-in methods to an account without users:read', async () => {
    const bob = await register(server, 'bob', PASSWORD);
    const res = await server.gql(`{ users(first: 5) { edges { node { id } } } }`, {}, as(bob));
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', missing: 'users:read' });
    // Reached through a role's holders cannot happen either: roles needs users:read or roles:manage.
    expect(firstError(await server.gql(HOLDERS, {}, as(bob)))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lists people, the trail, the numbers, the catalogue and the roles with their holder counts', async () => {
    for (const query of [`{ users(first: 10, search: "ali") { totalCount } }`, `{ auditEvents(first: 5, filter: { userId: "${ids.alice}" }) { totalCount } }`, `{ authStats(range: LAST_24_HOURS) { buckets { signIns } } }`]) {
      const res = await server.gql(query, {}, as(support));
      expect(res.body.errors).toBeUndefined();
    }
    const catalogue = (await server.gql(CATALOGUE, {}, as(support))).body.data.permissionCatalogue;
    expect(catalogue.map((p: any) => p.name)).toEqual((await server.gql('{ permissions }', {}, as(support))).body.data.permissions);
    expect(catalogue.find((p: any) => p.name === 'roles:manage')).toMatchObject({ sessionOnly: true });
    expect(catalogue.filter((p: any) => p.sessionOnly)).toHaveLength(1);
    expect(catalogue.every((p: any) => p.description.length > 10)).toBe(true);
    const roles = (await server.gql(HOLDERS, {}, as(support))).body.data.roles;
    expect(roles).toEqual([
      { name: 'USER', holderCount: 4 }, // root, sam, alice and bob
      { name: 'ADMIN', holderCount: 1 },
      { name: 'SUPPORT', holderCount: 1 },
    ]);
  });

  it.each(MUTATIONS)('refuses %s, as the API refuses it', async (_name, query, variables, refusal) => {
    const res: GqlResponse = await server.gql(query, variables(ids), as(support));
    expect(res.body.data ?? null).toBeNull();
    expect(firstError(res)).toMatchObject(refusal);
  });

  it('changed nothing', async () => {
    const res = await server.gql(PERSON, { id: ids.alice }, as(admin));
    expect(res.body.data.user).toMatchObject({ isActive: true, roles: ['USER'], mfaFactors: { totp: true } });
    expect((await server.gql(ROLES, {}, as(admin))).body.data.roles.map((r: any) => r.name)).toEqual(['USER', 'ADMIN', 'SUPPORT']);
    expect(await server.app.orm.em.fork().count(ApiToken, { userId: ids.alice, revokedAt: null })).toBe(1);
    expect((await server.gql(`{ me { id } }`, {}, as(alice))).status).toBe(200);
  });
});

describe('a role keeper (roles:manage alone) sees no contact facts of the accounts it changes', () => {
  let server: TestServer;
  afterAll(() => server.close());

  it('is refused lastSignInAt, mfaFactors and signInMethods, like email', async () => {
    server = await createTestServer();
    const admin = await makeAdmin(server, 'root');
    const alice = await register(server, 'alice', PASSWORD);
    await createRole(server, admin, 'KEEPER', ['roles:manage']);
    const keeper = await userWithRole(server, admin, 'kim', 'KEEPER');
    for (const field of ['email', 'lastSignInAt', 'mfaFactors { totp }', 'signInMethods { identities { email } }']) {
      const res = await server.gql(`mutation ($id: ID!) { grantRole(userId: $id, role: "KEEPER") { id ${field} } }`, { id: alice.user.id }, as(keeper));
      expect([field, firstError(res)]).toMatchObject([field, { code: 'FORBIDDEN' }]);
    }
  });
});

describe('revokeUserSessions', () => {
  let server: TestServer;
  afterAll(() => server.close());

  it('is refused to an API token, even one scoped sessions:manage (like revokeSession)', async () => {
    server = await createTestServer();
    const admin = await makeAdmin(server, 'root');
    const bob = await register(server, 'bob', PASSWORD);
    const token = await createApiToken(server, admin, ['sessions:manage']);
    const res = await server.gql(`mutation ($id: ID!) { revokeUserSessions(userId: $id) }`, { id: bob.user.id }, as(token.token));
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED' });
    expect((await login(server, 'bob', PASSWORD)).accessToken).toEqual(expect.any(String));
  });
});
