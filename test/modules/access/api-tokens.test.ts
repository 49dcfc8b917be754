import { createHash, randomUUID } from 'node:crypto';
import { createTestServer, firstError, login, register, ME, REFRESH, type GqlResponse, type TestServer } from '../../helpers/server';
import { DELETE_ACCOUNT, expectError, expectUnauthenticated } from '../../helpers/shop';
import { RawSocket, wsUrl } from '../../helpers/ws';
import {
  API_TOKENS, as, AUDIT, CREATE_API_TOKEN, createApiToken, createRole, GRANT_ROLE, makeAdmin, ME_ACCESS, MY_API_TOKENS, ok, PASSWORD,
  REVOKE_API_TOKEN, REVOKE_ROLE, SET_ACTIVE, userWithRole,
} from '../../helpers/access';

const TOKENABLE = ['users:read', 'users:manage', 'sessions:manage', 'audit:read', 'products:write', 'carts:read', 'api-tokens:manage'];
const AUDIT_PAGE = `{ auditEvents(first: 1) { totalCount } }`;
const USERS_PAGE = `{ users(first: 1) { totalCount } }`;
const LOGOUT = `mutation { logout }`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function expectRefused(res: GqlResponse, status: number, extensions: Record<string, unknown>): void {
  expect(res.status).toBe(status);
  expect(firstError(res)).toMatchObject(extensions);
}

describe('API tokens', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer({ TRUST_PROXY: '1' });
    admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'AUDITOR', ['audit:read']);
  });
  afterAll(() => server.close());

  describe('creation', () => {
    it('returns a tg_pat_ secret once, and stores only its SHA-256', async () => {
      const created = await createApiToken(server, admin, ['audit:read', 'users:read'], 'nightly export', 30);
      expect(created.token).toMatch(/^tg_pat_[A-Za-z0-9_-]{48}$/); // 36 random bytes: 288 bits
      expect(created.apiToken).toMatchObject({ name: 'nightly export', scopes: ['users:read', 'audit:read'], prefix: created.token.slice(0, 12), lastUsedAt: null });
      expect(new Date(created.apiToken.expiresAt).getTime() - new Date(created.apiToken.createdAt).getTime()).toBe(30 * 86_400_000);
      const rows: any[] = await server.app.orm.em.fork().getConnection().execute('select * from api_tokens where id = ?', [created.apiToken.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(sha256(created.token));
      expect(JSON.stringify(rows[0])).not.toContain(created.token.slice(12));
      // Listed without the secret (the type has no field for it).
      const mine = await ok(server.gql(MY_API_TOKENS, {}, as(admin)), 'myApiTokens');
      expect(mine.find((t: any) => t.id === created.apiToken.id)).toEqual(created.apiToken);
      const again = await createApiToken(server, admin, [], 'second');
      expect(again.token).not.toBe(created.token);
    });

    it('checks the name, the scopes and the expiry', async () => {
      const create = (v: Record<string, unknown>) => server.gql(CREATE_API_TOKEN, { name: 'ok', scopes: [], days: 30, ...v }, as(admin));
      expectError(await create({ name: '  ' }), { code: 'BAD_USER_INPUT', field: 'name' });
      expectError(await create({ name: 'x'.repeat(81) }), { code: 'BAD_USER_INPUT', field: 'name' });
      for (const days of [0, -1, 366]) expectError(await create({ days }), { code: 'BAD_USER_INPUT', field: 'expiresInDays' });
      expect((await ok(create({ days: 365 }), 'createApiToken')).apiToken.name).toBe('ok');
      expectError(await create({ scopes: ['audit:raed'] }), { code: 'BAD_USER_INPUT', field: 'scopes', reason: 'UNKNOWN_PERMISSION' });
      expectError(await create({ scopes: ['roles:manage'] }), { code: 'BAD_USER_INPUT', field: 'scopes', reason: 'SCOPE_NOT_ALLOWED' });
    });

    it('refuses scopes the owner does not hold (escalation), naming the first', async () => {
      const ann = await register(server, 'ann', PASSWORD);
      expectRefused(await server.gql(CREATE_API_TOKEN, { name: 'mine', scopes: ['audit:read'], days: 1 }, as(ann)), 403, { code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD', missing: 'audit:read' });
      expect((await createApiToken(server, ann, [], 'mine')).apiToken.scopes).toEqual([]);
      const auditor = await userWithRole(server, admin, 'aud', 'AUDITOR');
      expectRefused(await server.gql(CREATE_API_TOKEN, { name: 'x', scopes: ['audit:read', 'users:read'], days: 1 }, as(auditor)), 403, { reason: 'PERMISSION_NOT_HELD', missing: 'users:read' });
      expect((await createApiToken(server, auditor, ['audit:read'])).apiToken.scopes).toEqual(['audit:read']);
    });

    it('needs a fresh password login: not a refreshed access token, never an API token', async () => {
      const bo = await register(server, 'bo_tokens', PASSWORD);
      const refreshed = await ok(server.gql(REFRESH, { token: bo.refreshToken }), 'refreshToken');
      expectRefused(await server.gql(CREATE_API_TOKEN, { name: 'x', scopes: [], days: 1 }, as(refreshed)), 403, { code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
      const { token } = await createApiToken(server, bo, []);
      expectRefused(await server.gql(CREATE_API_TOKEN, { name: 'x', scopes: [], days: 1 }, as(token)), 403, { code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED' });
    });

    it('allows 20 live tokens per account; a revoked or expired one frees a place', async () => {
      const cat = await register(server, 'cat_tokens', PASSWORD);
      const ids: string[] = [];
      for (let i = 0; i < 19; i++) ids.push((await createApiToken(server, cat, [], `t${i}`)).apiToken.id);
      const short = await createApiToken(server, cat, [], 'short', 1);
      expectError(await server.gql(CREATE_API_TOKEN, { name: 'one too many', scopes: [], days: 1 }, as(cat)), { code: 'TOO_MANY_API_TOKENS', limit: 20 });
      expect(await ok(server.gql(REVOKE_API_TOKEN, { id: ids[0] }, as(cat)), 'revokeApiToken')).toBe(true);
      await createApiToken(server, cat, [], 'in its place');
      expectError(await server.gql(CREATE_API_TOKEN, { name: 'again too many', scopes: [], days: 1 }, as(cat)), { code: 'TOO_MANY_API_TOKENS' });
      server.clock.advance(86_400 + 1); // `short` expires
      try {
        const fresh = await login(server, 'cat_tokens', PASSWORD);
        await createApiToken(server, fresh, [], 'after expiry');
      } finally {
        server.clock.advance(-(86_400 + 1));
      }
      expect((await ok(server.gql(MY_API_TOKENS, {}, as(cat)), 'myApiTokens')).map((t: any) => t.id)).toContain(short.apiToken.id); // expired, still listed
    });
  });

  describe('use', () => {
    it('authenticates as its owner, for the owner’s own data, on every surface', async () => {
      const dee = await register(server, 'dee_tokens', PASSWORD);
      const { token } = await createApiToken(server, dee, []);
      expect(await ok(server.gql(ME_ACCESS, {}, as(token)), 'me')).toEqual({ id: dee.user.id, username: 'dee_tokens', role: 'USER', roles: ['USER'], permissions: [] });
      expect((await server.gql(`{ myCart { itemCount } }`, {}, as(token))).body.data.myCart.itemCount).toBe(0);
      // logout has no session to end; the token keeps working.
      expect(await ok(server.gql(LOGOUT, {}, as(token)), 'logout')).toBe(false);
      expect((await server.gql(ME, {}, as(token))).status).toBe(200);
    });

    it('may do what its scopes and its owner’s current permissions both allow, checked on every request', async () => {
      const eva = await userWithRole(server, admin, 'eva_tokens', 'AUDITOR');
      await ok(server.gql(GRANT_ROLE, { userId: eva.user.id, role: 'ADMIN' }, as(admin)), 'grantRole');
      const fresh = await login(server, 'eva_tokens', PASSWORD);
      const { token } = await createApiToken(server, fresh, ['audit:read', 'users:read']);
      const other = (await createApiToken(server, fresh, ['users:read'])).token;
      expect((await server.gql(AUDIT_PAGE, {}, as(token))).status).toBe(200);
      expect((await server.gql(USERS_PAGE, {}, as(token))).status).toBe(200);
      expectRefused(await server.gql(AUDIT_PAGE, {}, as(other)), 403, { code: 'FORBIDDEN', reason: 'INSUFFICIENT_SCOPE', missing: 'audit:read' });

      // The owner is demoted: the token shrinks on its very next request, to what AUDITOR still gives.
      await ok(server.gql(REVOKE_ROLE, { userId: eva.user.id, role: 'ADMIN' }, as(admin)), 'revokeRole');
      expect((await server.gql(AUDIT_PAGE, {}, as(token))).status).toBe(200);
      expectRefused(await server.gql(USERS_PAGE, {}, as(token)), 403, { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'users:read' });
      await ok(server.gql(REVOKE_ROLE, { userId: eva.user.id, role: 'AUDITOR' }, as(admin)), 'revokeRole');
      expectRefused(await server.gql(AUDIT_PAGE, {}, as(token)), 403, { reason: 'INSUFFICIENT_ROLE', missing: 'audit:read' });
      // Promoted again: the scopes it was created with apply again, never more.
      await ok(server.gql(GRANT_ROLE, { userId: eva.user.id, role: 'ADMIN' }, as(admin)), 'grantRole');
      expect((await server.gql(USERS_PAGE, {}, as(token))).status).toBe(200);
      expectRefused(await server.gql(`{ apiTokens(userId: "${eva.user.id}") { id } }`, {}, as(token)), 403, { reason: 'INSUFFICIENT_SCOPE', missing: 'api-tokens:manage' });
    });

    it('can never change a password, delete the account, make a token, touch identities or manage roles', async () => {
      const { token } = await createApiToken(server, admin, TOKENABLE, 'everything it may');
      const sensitive: Array<[string, Record<string, unknown>, string | undefined]> = [
        ['mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }', { i: { currentPassword: PASSWORD, newPassword: 'another long passphrase' } }, undefined],
        [DELETE_ACCOUNT, { password: PASSWORD }, undefined],
        [CREATE_API_TOKEN, { name: 'child', scopes: [], days: 1 }, undefined],
        ['mutation { linkIdentity(provider: "google") { url } }', {}, undefined],
        ['mutation { unlinkIdentity(id: "00000000-0000-4000-8000-000000000000") }', {}, undefined],
        ['mutation { setPassword(newPassword: "another long passphrase") }', {}, undefined],
        ['mutation { createRole(name: "SNEAKY", permissions: []) { name } }', {}, 'roles:manage'],
        ['mutation { updateRole(name: "AUDITOR", permissions: []) { name } }', {}, 'roles:manage'],
        ['mutation { deleteRole(name: "AUDITOR") }', {}, 'roles:manage'],
        [GRANT_ROLE, { userId: admin.user.id, role: 'AUDITOR' }, 'roles:manage'],
        [REVOKE_ROLE, { userId: admin.user.id, role: 'ADMIN' }, 'roles:manage'],
        [`mutation ($id: ID!) { setUserRole(userId: $id, role: USER) { id } }`, { id: admin.user.id }, 'roles:manage'],
      ];
      for (const [query, variables, missing] of sensitive) {
        const res = await server.gql(query, variables, as(token));
        expectRefused(res, 403, { code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED', ...(missing ? { missing } : {}) });
      }
      // Nothing happened: the password still works, the account and its role are there.
      expect((await login(server, 'root', PASSWORD)).user.role).toBe('ADMIN');
    });
    it('cannot read or end its owner’s sessions, nor list or revoke its owner’s tokens (API_TOKEN_NOT_ALLOWED)', async () => {
      const gil = await register(server, 'gil_tokens', PASSWORD);
      const { token, apiToken } = await createApiToken(server, gil, []);
      const refused: Array<[string, Record<string, unknown>]> = [
        ['mutation { logoutAll }', {}],
        ['mutation ($id: ID!) { revokeSession(id: $id) }', { id: gil.sessionId }],
        ['{ mySessions { id ip userAgent } }', {}],
        [`{ me { sessions { id ip } } }`, {}],
        [MY_API_TOKENS, {}],
        [REVOKE_API_TOKEN, { id: apiToken.id }],
      ];
      for (const [query, variables] of refused) expectRefused(await server.gql(query, variables, as(token)), 403, { code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED' });
      // Nothing happened: the owner's session and the token still work.
      expect((await server.gql(ME, {}, as(gil))).status).toBe(200);
      expect((await ok(server.gql('{ mySessions { id } }', {}, as(gil)), 'mySessions')).map((x: any) => x.id)).toEqual([gil.sessionId]);
      expect((await server.gql(ME, {}, as(token))).status).toBe(200);
    });
  });

  describe('password change', () => {
    const CHANGE = `mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken apiTokensRevoked } }`;

    it('revokes the account’s API tokens, says how many, and audits it', async () => {
      const hank = await register(server, 'hank_tokens', PASSWORD);
      const one = await createApiToken(server, hank, [], 'one');
      const two = await createApiToken(server, hank, [], 'two');
      const socket = new RawSocket(wsUrl(server));
      expect(await socket.init({ authorization: `Bearer ${one.token}` })).toBe('ack');
      const changed = await ok(server.gql(CHANGE, { i: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } }, as(hank)), 'changePassword');
      expect(changed.apiTokensRevoked).toBe(2);
      for (const t of [one.token, two.token]) expectUnauthenticated(await server.gql(ME, {}, as(t)), 'API_TOKEN_REVOKED');
      expect(await socket.closed).toEqual({ code: 4403, reason: 'API_TOKEN_REVOKED' });
      expect(await ok(server.gql(MY_API_TOKENS, {}, as(changed.accessToken)), 'myApiTokens')).toEqual([]);
      await server.app.services.audit.flush();
      const events = await ok(server.gql(AUDIT, { type: 'PASSWORD_CHANGED', userId: hank.user.id }, as(admin)), 'auditEvents');
      expect(JSON.parse(events.edges[0].node.detail)).toMatchObject({ apiTokensRevoked: 2, apiTokensKept: false });
      // Other answers carrying a session do not report a count.
      expect((await server.gql(`mutation ($i: LoginInput!) { login(input: $i) { apiTokensRevoked } }`, { i: { username: 'hank_tokens', password: 'a brand new passphrase' } })).body.data.login.apiTokensRevoked).toBeNull();
    });

    it('keeps them with keepApiTokens: true', async () => {
      const iris = await register(server, 'iris_tokens', PASSWORD);
      const { token } = await createApiToken(server, iris, []);
      const changed = await ok(server.gql(CHANGE, { i: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase', keepApiTokens: true } }, as(iris)), 'changePassword');
      expect(changed.apiTokensRevoked).toBe(0);
      expect((await server.gql(ME, {}, as(token))).status).toBe(200);
    });
  });

  describe('stopping', () => {
    it('revoked: refused at once with API_TOKEN_REVOKED, over HTTP and on its open sockets (and a revoked session’s JWT with TOKEN_REVOKED)', async () => {
      const fin = await register(server, 'fin_tokens', PASSWORD);
      const { token, apiToken } = await createApiToken(server, fin, []);
      const socket = new RawSocket(wsUrl(server));
      expect(await socket.init({ authorization: `Bearer ${token}` })).toBe('ack');
      expect(await ok(server.gql(REVOKE_API_TOKEN, { id: apiToken.id }, as(fin)), 'revokeApiToken')).toBe(true);
      expectUnauthenticated(await server.gql(ME, {}, as(token)), 'API_TOKEN_REVOKED');
      expect(await socket.closed).toEqual({ code: 4403, reason: 'API_TOKEN_REVOKED' });
      expect(await ok(server.gql(REVOKE_API_TOKEN, { id: apiToken.id }, as(fin)), 'revokeApiToken')).toBe(false);
      expect((await ok(server.gql(MY_API_TOKENS, {}, as(fin)), 'myApiTokens')).map((t: any) => t.id)).not.toContain(apiToken.id);
      // The session counterpart: a revoked session's access token stops on its next request too.
      const other = await login(server, 'fin_tokens', PASSWORD);
      expect((await server.gql(ME, {}, as(other))).status).toBe(200);
      expect(await ok(server.gql(`mutation ($id: ID!) { revokeSession(id: $id) }`, { id: other.sessionId }, as(fin)), 'revokeSession')).toBe(true);
      expectUnauthenticated(await server.gql(ME, {}, as(other)), 'TOKEN_REVOKED');
    });

    it('expired: refused with API_TOKEN_EXPIRED', async () => {
      const gus = await register(server, 'gus_tokens', PASSWORD);
      const { token } = await createApiToken(server, gus, [], 'day', 1);
      expect((await server.gql(ME, {}, as(token))).status).toBe(200);
      server.clock.advance(86_400);
      try {
        expectUnauthenticated(await server.gql(ME, {}, as(token)), 'API_TOKEN_EXPIRED');
      } finally {
        server.clock.advance(-86_400);
      }
    });

    it('owner deactivated: refused at once (ACCOUNT_DISABLED), and revoked for good; owner deleted: unknown', async () => {
      const hal = await register(server, 'hal_tokens', PASSWORD);
      const { token } = await createApiToken(server, hal, []);
      await ok(server.gql(SET_ACTIVE, { id: hal.user.id, active: false }, as(admin)), 'setUserActive');
      expectUnauthenticated(await server.gql(ME, {}, as(token)), 'ACCOUNT_DISABLED');
      expectUnauthenticated(await server.gql(ME, {}, as(hal)), 'ACCOUNT_DISABLED');
      await ok(server.gql(SET_ACTIVE, { id: hal.user.id, active: true }, as(admin)), 'setUserActive');
      expectUnauthenticated(await server.gql(ME, {}, as(token)), 'API_TOKEN_REVOKED');

      const ida = await register(server, 'ida_tokens', PASSWORD);
      const second = await createApiToken(server, ida, []);
      expect(await ok(server.gql(DELETE_ACCOUNT, { password: PASSWORD }, as(ida)), 'deleteAccount')).toBe(true);
      expectUnauthenticated(await server.gql(ME, {}, as(second.token)), 'TOKEN_INVALID');
    });

    it('a JWT and an API token of a demoted account both lose the permission on the next request', async () => {
      const jo = await userWithRole(server, admin, 'jo_tokens', 'AUDITOR');
      const { token } = await createApiToken(server, jo, ['audit:read']);
      for (const t of [jo.accessToken, token]) expect((await server.gql(AUDIT_PAGE, {}, as(t))).status).toBe(200);
      await ok(server.gql(REVOKE_ROLE, { userId: jo.user.id, role: 'AUDITOR' }, as(admin)), 'revokeRole');
      for (const t of [jo.accessToken, token]) expectRefused(await server.gql(AUDIT_PAGE, {}, as(t)), 403, { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'audit:read' });
    });

    it('an unknown or malformed token is TOKEN_INVALID', async () => {
      expectUnauthenticated(await server.gql(ME, {}, as(`tg_pat_${'A'.repeat(48)}`)), 'TOKEN_INVALID');
      expectUnauthenticated(await server.gql(ME, {}, as('tg_pat_short')), 'TOKEN_INVALID');
      const socket = new RawSocket(wsUrl(server));
      expect(await socket.init({ authorization: `Bearer tg_pat_${'B'.repeat(48)}` })).toEqual({ code: 4403, reason: 'TOKEN_INVALID' });
    });
  });

  describe('listing and revoking', () => {
    it('lists one’s own; apiTokens(userId) and revoking others’ need api-tokens:manage (NOT_FOUND without)', async () => {
      await createRole(server, admin, 'TOKEN_ADMIN', ['api-tokens:manage']);
      const ops = await userWithRole(server, admin, 'ops_tokens', 'TOKEN_ADMIN');
      const kit = await register(server, 'kit_tokens', PASSWORD);
      const a = await createApiToken(server, kit, [], 'a');
      const b = await createApiToken(server, kit, [], 'b');
      expect((await ok(server.gql(MY_API_TOKENS, {}, as(kit)), 'myApiTokens')).map((t: any) => t.name)).toEqual(['b', 'a']);
      expectRefused(await server.gql(API_TOKENS, { userId: kit.user.id }, as(kit)), 403, { reason: 'INSUFFICIENT_ROLE', missing: 'api-tokens:manage' });
      expect((await ok(server.gql(API_TOKENS, { userId: kit.user.id }, as(ops)), 'apiTokens')).map((t: any) => t.id)).toEqual([b.apiToken.id, a.apiToken.id]);
      expect(await ok(server.gql(API_TOKENS, { userId: 'nope' }, as(ops)), 'apiTokens')).toEqual([]);

      const stranger = await register(server, 'lee_tokens', PASSWORD);
      for (const id of [a.apiToken.id, randomUUID(), 'nope']) expectError(await server.gql(REVOKE_API_TOKEN, { id }, as(stranger)), { code: 'NOT_FOUND', field: 'id' });
      expect((await server.gql(ME, {}, as(a.token))).status).toBe(200);
      expect(await ok(server.gql(REVOKE_API_TOKEN, { id: a.apiToken.id }, as(ops)), 'revokeApiToken')).toBe(true);
      expectUnauthenticated(await server.gql(ME, {}, as(a.token)), 'API_TOKEN_REVOKED');
      // Tokens are managed from a session: a token cannot revoke itself or its owner's others.
      expectRefused(await server.gql(REVOKE_API_TOKEN, { id: b.apiToken.id }, as(b.token)), 403, { code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED' });
      expect((await server.gql(ME, {}, as(b.token))).status).toBe(200);
    });
  });

  describe('last use and audit', () => {
    const fromIp = (token: string, ip: string) => ({ token, headers: { 'x-forwarded-for': ip } });

    it('writes lastUsedAt at most once a minute, and audits creation, use from a new address and revocation', async () => {
      const max = await register(server, 'max_tokens', PASSWORD);
      const { token, apiToken } = await createApiToken(server, max, [], 'cron');
      const lastUsed = async () => {
        await server.app.services.apiTokens.flush();
        return (await ok(server.gql(MY_API_TOKENS, {}, as(max)), 'myApiTokens')).find((t: any) => t.id === apiToken.id).lastUsedAt;
      };
      expect(await lastUsed()).toBeNull();
      await server.gql(ME, {}, fromIp(token, '198.51.100.7'));
      const first = await lastUsed();
      expect(first).toBe(server.clock.now().toISOString());
      server.clock.advance(30);
      await server.gql(ME, {}, fromIp(token, '198.51.100.7'));
      expect(await lastUsed()).toBe(first);
      server.clock.advance(31);
      await server.gql(ME, {}, fromIp(token, '198.51.100.7'));
      const third = await lastUsed();
      expect(new Date(third).getTime() - new Date(first).getTime()).toBe(61_000);
      // Another address: written at once, and audited.
      server.clock.advance(1);
      await server.gql(ME, {}, fromIp(token, '203.0.113.9'));
      expect(new Date(await lastUsed()).getTime() - new Date(third).getTime()).toBe(1000);
      await ok(server.gql(REVOKE_API_TOKEN, { id: apiToken.id }, as(max)), 'revokeApiToken');

      await server.app.services.audit.flush();
      const events = (await ok(server.gql(AUDIT, { userId: max.user.id }, as(admin)), 'auditEvents')).edges.map((e: any) => e.node).reverse();
      const tokenEvents = events.filter((e: any) => e.type.startsWith('API_TOKEN_')).map((e: any) => ({ type: e.type, ip: e.ip, detail: JSON.parse(e.detail) }));
      expect(tokenEvents).toEqual([
        { type: 'API_TOKEN_CREATED', ip: '127.0.0.1', detail: { tokenId: apiToken.id, name: 'cron', scopes: [], expiresAt: apiToken.expiresAt } },
        { type: 'API_TOKEN_USED', ip: '198.51.100.7', detail: { tokenId: apiToken.id, previousIp: null } },
        { type: 'API_TOKEN_USED', ip: '203.0.113.9', detail: { tokenId: apiToken.id, previousIp: '198.51.100.7' } },
        { type: 'API_TOKEN_REVOKED', ip: '127.0.0.1', detail: { tokenId: apiToken.id, name: 'cron', by: max.user.id } },
      ]);
      expect(JSON.stringify(events)).not.toContain(token.slice(7));
    });
  });
});

describe('API token lookups are rate-limited per client on failure', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ TRUST_PROXY: '1', RATE_API_TOKEN_IP_MAX: '3', RATE_API_TOKEN_IP_WINDOW: '60', RATE_API_TOKEN_IP_BLOCK: '300' });
  });
  afterAll(() => server.close());

  it('refuses a client after too many unknown tokens, good ones included, until the block ends; others are unaffected', async () => {
    const owner = await register(server, 'owner', PASSWORD);
    const { token } = await createApiToken(server, owner, []);
    const from = (t: string, ip: string) => server.gql(ME, {}, { token: t, headers: { 'x-forwarded-for': ip } });
    // Good tokens never spend the budget.
    for (let i = 0; i < 5; i++) expect((await from(token, '192.0.2.1')).status).toBe(200);
    for (let i = 0; i < 3; i++) expectUnauthenticated(await from(`tg_pat_${String(i).repeat(48)}`, '192.0.2.1'), 'TOKEN_INVALID');
    const limited = await from(`tg_pat_${'9'.repeat(48)}`, '192.0.2.1');
    expect(limited.status).toBe(429);
    expect(firstError(limited)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await from(token, '192.0.2.1')).status).toBe(429);
    expect((await from(token, '192.0.2.2')).status).toBe(200);
    // Session tokens are not concerned.
    expect((await server.gql(ME, {}, { token: owner.accessToken, headers: { 'x-forwarded-for': '192.0.2.1' } })).status).toBe(200);
  });
});
