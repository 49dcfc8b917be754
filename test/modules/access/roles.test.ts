import { randomUUID } from 'node:crypto';
import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../../src/context';
import { makeGrant } from '../../../src/modules/access/grant';
import { User } from '../../../src/modules/user/user.entity';
import { buildSchema } from '../../../src/schema';
import { createTestServer, firstError, login, register, ME, type TestServer } from '../../helpers/server';
import { DELETE_ACCOUNT, expectError, expectForbidden } from '../../helpers/shop';
import { RawSocket, wsUrl } from '../../helpers/ws';
import {
  as, AUDIT, CREATE_ROLE, DELETE_ROLE, GRANT_ROLE, makeAdmin, ME_ACCESS, ok, PASSWORD, PERMISSIONS, REVOKE_ROLE, ROLES, SET_ACTIVE, SET_ROLE,
  UPDATE_ROLE, USERS, API_TOKENS, REVOKE_API_TOKEN, createApiToken, createRole, userWithRole,
} from '../../helpers/access';

const ALL = ['users:read', 'users:manage', 'roles:manage', 'sessions:manage', 'audit:read', 'products:write', 'carts:read', 'api-tokens:manage'];
const AUDIT_PAGE = `{ auditEvents(first: 1) { edges { node { type } } } }`;
const USER_ROLES = `{ users(first: 100) { edges { node { id username roles permissions } } } }`;

describe('roles', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
  });
  afterAll(() => server.close());

  it('lists the permission catalogue, and the built-in roles first', async () => {
    expect(await ok(server.gql(PERMISSIONS, {}, as(admin)), 'permissions')).toEqual(ALL);
    await createRole(server, admin, 'AUDITOR', ['audit:read']);
    await ok(server.gql(CREATE_ROLE, { name: 'CATALOGUE_EDITOR', permissions: ['products:write'], description: '  Edits the catalogue ' }, as(admin)), 'createRole');
    expect(await ok(server.gql(ROLES, {}, as(admin)), 'roles')).toEqual([
      { name: 'USER', description: expect.any(String), permissions: [], builtIn: true },
      { name: 'ADMIN', description: expect.any(String), permissions: ALL, builtIn: true },
      { name: 'AUDITOR', description: null, permissions: ['audit:read'], builtIn: false },
      { name: 'CATALOGUE_EDITOR', description: 'Edits the catalogue', permissions: ['products:write'], builtIn: false },
    ]);
  });

  it('checks names and permissions, and refuses the built-in and taken names', async () => {
    for (const name of ['a', 'lower', 'HAS-DASH', 'X'.repeat(41), 'WITH SPACE']) {
      expectError(await server.gql(CREATE_ROLE, { name, permissions: [] }, as(admin)), { code: 'BAD_USER_INPUT', field: 'name' });
    }
    expectError(await server.gql(CREATE_ROLE, { name: 'TYPO', permissions: ['audit:raed'] }, as(admin)), { code: 'BAD_USER_INPUT', field: 'permissions', reason: 'UNKNOWN_PERMISSION' });
    for (const name of ['ADMIN', 'USER', 'AUDITOR']) expectError(await server.gql(CREATE_ROLE, { name, permissions: [] }, as(admin)), { code: 'ROLE_EXISTS', field: 'name' });
    for (const name of ['ADMIN', 'USER']) {
      expectError(await server.gql(UPDATE_ROLE, { name, permissions: [] }, as(admin)), { code: 'ROLE_BUILT_IN', field: 'name' });
      expectError(await server.gql(DELETE_ROLE, { name }, as(admin)), { code: 'ROLE_BUILT_IN', field: 'name' });
    }
    expectError(await server.gql(UPDATE_ROLE, { name: 'NOPE', permissions: [] }, as(admin)), { code: 'NOT_FOUND', field: 'name' });
    expectError(await server.gql(DELETE_ROLE, { name: 'NOPE' }, as(admin)), { code: 'NOT_FOUND', field: 'name' });
    expectError(await server.gql(CREATE_ROLE, { name: 'LONG', permissions: [], description: 'x'.repeat(201) }, as(admin)), { code: 'BAD_USER_INPUT', field: 'description' });
  });

  it('applies a grant and a revocation on the very next request, without a new login', async () => {
    const ann = await register(server, 'ann', PASSWORD);
    expectForbidden(await server.gql(AUDIT_PAGE, {}, as(ann)));
    expect(firstError(await server.gql(AUDIT_PAGE, {}, as(ann)))).toMatchObject({ missing: 'audit:read' });

    const granted = await ok(server.gql(GRANT_ROLE, { userId: ann.user.id, role: 'AUDITOR' }, as(admin)), 'grantRole');
    expect(granted).toMatchObject({ role: 'USER', roles: ['USER', 'AUDITOR'], permissions: ['audit:read'] });
    expect((await server.gql(AUDIT_PAGE, {}, as(ann))).status).toBe(200);
    expect(await ok(server.gql(ME_ACCESS, {}, as(ann)), 'me')).toMatchObject({ roles: ['USER', 'AUDITOR'], permissions: ['audit:read'] });

    await ok(server.gql(REVOKE_ROLE, { userId: ann.user.id, role: 'AUDITOR' }, as(admin)), 'revokeRole');
    const refused = await server.gql(AUDIT_PAGE, {}, as(ann));
    expectForbidden(refused);
    expect(firstError(refused)).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'audit:read' });
    // The session itself is untouched: the account keeps working as a USER.
    expect((await server.gql(ME, {}, as(ann))).status).toBe(200);
  });

  it('grants and revokes ADMIN, keeps USER, and refuses unknown roles and users', async () => {
    const bea = await register(server, 'bea', PASSWORD);
    const promoted = await ok(server.gql(GRANT_ROLE, { userId: bea.user.id, role: 'ADMIN' }, as(admin)), 'grantRole');
    expect(promoted).toMatchObject({ role: 'ADMIN', roles: ['USER', 'ADMIN'], permissions: ALL });
    expect((await server.gql(USERS, {}, as(bea))).status).toBe(200);
    expect(await ok(server.gql(GRANT_ROLE, { userId: bea.user.id, role: 'USER' }, as(admin)), 'grantRole')).toMatchObject({ roles: ['USER', 'ADMIN'] });
    expectError(await server.gql(REVOKE_ROLE, { userId: bea.user.id, role: 'USER' }, as(admin)), { code: 'BAD_USER_INPUT', field: 'role', reason: 'USER_ROLE_REQUIRED' });
    const demoted = await ok(server.gql(REVOKE_ROLE, { userId: bea.user.id, role: 'ADMIN' }, as(admin)), 'revokeRole');
    expect(demoted).toMatchObject({ role: 'USER', roles: ['USER'], permissions: [] });
    expectForbidden(await server.gql(USERS, {}, as(bea)));
    expectError(await server.gql(GRANT_ROLE, { userId: bea.user.id, role: 'NOPE' }, as(admin)), { code: 'NOT_FOUND', field: 'role' });
    expectError(await server.gql(GRANT_ROLE, { userId: randomUUID(), role: 'AUDITOR' }, as(admin)), { code: 'NOT_FOUND', field: 'userId' });
  });

  it('refuses to delete a role someone holds, with ROLE_IN_USE and the number of holders', async () => {
    await createRole(server, admin, 'TEMP', ['carts:read']);
    const a = await userWithRole(server, admin, 'temp_a', 'TEMP');
    await userWithRole(server, admin, 'temp_b', 'TEMP');
    expectError(await server.gql(DELETE_ROLE, { name: 'TEMP' }, as(admin)), { code: 'ROLE_IN_USE', field: 'name', holders: 2 });
    for (const username of ['temp_a', 'temp_b']) {
      const id = (await server.app.services.users.findByUsername(server.app.orm.em.fork(), username))!.id;
      await ok(server.gql(REVOKE_ROLE, { userId: id, role: 'TEMP' }, as(admin)), 'revokeRole');
    }
    expect(await ok(server.gql(DELETE_ROLE, { name: 'TEMP' }, as(admin)), 'deleteRole')).toBe(true);
    expect((await ok(server.gql(ROLES, {}, as(admin)), 'roles')).map((r: any) => r.name)).not.toContain('TEMP');
    expect(await ok(server.gql(ME_ACCESS, {}, as(a)), 'me')).toMatchObject({ roles: ['USER'] });
  });

  it('updates a role’s permissions for every holder at once; an omitted description is kept', async () => {
    await ok(server.gql(CREATE_ROLE, { name: 'SUPPORT', permissions: ['users:read'], description: 'Helps people' }, as(admin)), 'createRole');
    const sam = await userWithRole(server, admin, 'sam', 'SUPPORT');
    expectForbidden(await server.gql(AUDIT_PAGE, {}, as(sam)));
    const updated = await ok(server.gql(UPDATE_ROLE, { name: 'SUPPORT', permissions: ['audit:read', 'users:read', 'audit:read'] }, as(admin)), 'updateRole');
    expect(updated).toEqual({ name: 'SUPPORT', description: 'Helps people', permissions: ['users:read', 'audit:read'], builtIn: false });
    expect((await server.gql(AUDIT_PAGE, {}, as(sam))).status).toBe(200);
    const cleared = await ok(server.gql(UPDATE_ROLE, { name: 'SUPPORT', permissions: ['users:read'], description: null }, as(admin)), 'updateRole');
    expect(cleared.description).toBeNull();
    expectForbidden(await server.gql(AUDIT_PAGE, {}, as(sam)));
  });

  it('shows User.roles and User.permissions to the account itself and to users:read, in one query per page', async () => {
    const sam = await login(server, 'sam', PASSWORD); // SUPPORT: users:read
    const page = await ok(server.gql(USER_ROLES, {}, as(sam)), 'users');
    const byName = Object.fromEntries(page.edges.map((e: any) => [e.node.username, e.node]));
    expect(byName.root).toMatchObject({ roles: ['USER', 'ADMIN'], permissions: ALL });
    expect(byName.sam).toMatchObject({ roles: ['USER', 'SUPPORT'], permissions: ['users:read'] });
    expect(byName.ann).toMatchObject({ roles: ['USER'], permissions: [] });

    // A role manager sees the roles it changes; anyone else sees only their own.
    await createRole(server, admin, 'ROLE_MANAGER', ['roles:manage']);
    const moe = await userWithRole(server, admin, 'moe', 'ROLE_MANAGER');
    const GRANT_USER = `mutation ($id: ID!) { grantRole(userId: $id, role: "USER") { id roles permissions } }`;
    expect(await ok(server.gql(GRANT_USER, { id: byName.ann.id }, as(moe)), 'grantRole')).toEqual({ id: byName.ann.id, roles: ['USER'], permissions: [] });
    expect(await ok(server.gql(ME_ACCESS, {}, as(moe)), 'me')).toMatchObject({ roles: ['USER', 'ROLE_MANAGER'], permissions: ['roles:manage'] });
    // Through the built schema, a plain account reading another's roles is refused, naming users:read.
    const schema = buildSchema();
    const viewer = Object.assign(new User('ann', 'h', new Date()), { id: byName.ann.id });
    const ctx = { getUser: async () => viewer, getGrant: async () => makeGrant([], null) } as unknown as Context;
    const field = (schema.getType('User') as GraphQLObjectType).getFields().roles;
    await expect(field.resolve!(byName.root, {}, ctx, {} as GraphQLResolveInfo)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'users:read' } });
  });

  it('lets nobody give, take or shape a role with a permission they do not hold (no escalation)', async () => {
    const moe = await login(server, 'moe', PASSWORD); // ROLE_MANAGER: roles:manage only
    const expectNotHeld = (res: any, missing: string) => {
      expect(res.status).toBe(403);
      expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD', missing });
    };
    expectNotHeld(await server.gql(CREATE_ROLE, { name: 'SNEAKY', permissions: ['audit:read'] }, as(moe)), 'audit:read');
    // Its own role, raised: refused.
    expectNotHeld(await server.gql(UPDATE_ROLE, { name: 'ROLE_MANAGER', permissions: ['roles:manage', 'users:manage'] }, as(moe)), 'users:manage');
    expectNotHeld(await server.gql(GRANT_ROLE, { userId: moe.user.id, role: 'ADMIN' }, as(moe)), 'users:read');
    expectNotHeld(await server.gql(GRANT_ROLE, { userId: moe.user.id, role: 'AUDITOR' }, as(moe)), 'audit:read');
    expectNotHeld(await server.gql(REVOKE_ROLE, { userId: admin.user.id, role: 'ADMIN' }, as(moe)), 'users:read');
    expectNotHeld(await server.gql(SET_ROLE, { id: admin.user.id, role: 'USER' }, as(moe)), 'users:read');
    expectNotHeld(await server.gql(DELETE_ROLE, { name: 'AUDITOR' }, as(moe)), 'audit:read');
    // What it holds, it may hand on.
    expect(await ok(server.gql(CREATE_ROLE, { name: 'DEPUTY', permissions: ['roles:manage'] }, as(moe)), 'createRole')).toMatchObject({ permissions: ['roles:manage'] });

    // Without roles:manage, a role cannot be changed at all, its holder's own included.
    await createRole(server, admin, 'DESK', ['users:manage']);
    const desk = await userWithRole(server, admin, 'desk', 'DESK');
    const res = await server.gql(UPDATE_ROLE, { name: 'DESK', permissions: ['users:manage', 'roles:manage'] }, as(desk));
    expect(res.status).toBe(403);
    expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'roles:manage' });
    // users:manage switches off accounts that hold no more than the actor, never an admin.
    expectNotHeld(await server.gql(SET_ACTIVE, { id: admin.user.id, active: false }, as(desk)), 'users:read');
    const ann = (await server.app.services.users.findByUsername(server.app.orm.em.fork(), 'ann'))!;
    expect(await ok(server.gql(SET_ACTIVE, { id: ann.id, active: false }, as(desk)), 'setUserActive')).toMatchObject({ isActive: false });
    expect((await ok(server.gql(ROLES, {}, as(admin)), 'roles')).find((r: any) => r.name === 'DESK').permissions).toEqual(['users:manage']);
  });

  it('audits every role change with who made it', async () => {
    await server.app.services.audit.flush();
    const events = (await ok(server.gql(AUDIT, {}, as(admin)), 'auditEvents')).edges.map((e: any) => e.node);
    const of = (type: string) => events.filter((e: any) => e.type === type).map((e: any) => JSON.parse(e.detail));
    expect(of('ROLE_CREATED')).toContainEqual({ role: 'AUDITOR', permissions: ['audit:read'], by: admin.user.id });
    expect(of('ROLE_UPDATED')).toContainEqual({ role: 'SUPPORT', added: ['audit:read'], removed: [], by: admin.user.id });
    expect(of('ROLE_DELETED')).toContainEqual({ role: 'TEMP', by: admin.user.id });
    expect(of('ROLE_GRANTED')).toContainEqual({ role: 'AUDITOR', by: admin.user.id });
    expect(of('ROLE_REVOKED')).toContainEqual({ role: 'ADMIN', by: admin.user.id });
    expect(events.find((e: any) => e.type === 'ROLE_GRANTED').userId).toBeTruthy();
  });
});

describe('setUserRole (deprecated) and User.role', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'AUDITOR', ['audit:read']);
  });
  afterAll(() => server.close());

  it('USER takes every role but USER away and ends the sessions; ADMIN grants ADMIN', async () => {
    const cyd = await userWithRole(server, admin, 'cyd', 'AUDITOR');
    const up = await ok(server.gql(SET_ROLE, { id: cyd.user.id, role: 'ADMIN' }, as(admin)), 'setUserRole');
    expect(up).toEqual({ id: cyd.user.id, role: 'ADMIN', roles: ['USER', 'ADMIN', 'AUDITOR'] });
    expect(firstError(await server.gql(ME, {}, as(cyd)))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    const down = await ok(server.gql(SET_ROLE, { id: cyd.user.id, role: 'USER' }, as(admin)), 'setUserRole');
    expect(down).toEqual({ id: cyd.user.id, role: 'USER', roles: ['USER'] });
    const again = await login(server, 'cyd', PASSWORD);
    expect(again.user.role).toBe('USER');
    expectForbidden(await server.gql(AUDIT_PAGE, {}, as(again)));
  });
});

describe('the last holder of roles:manage', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it('keeps an active admin: the last one cannot revoke, be demoted, deactivated or deleted', async () => {
    const solo = await makeAdmin(server, 'solo');
    const lastAdmin = { code: 'LAST_ADMIN' };
    expectError(await server.gql(REVOKE_ROLE, { userId: solo.user.id, role: 'ADMIN' }, as(solo)), lastAdmin);
    expectError(await server.gql(SET_ROLE, { id: solo.user.id, role: 'USER' }, as(solo)), lastAdmin);
    expectError(await server.gql(SET_ACTIVE, { id: solo.user.id, active: false }, as(solo)), lastAdmin);
    expectError(await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, as(solo)), { code: 'LAST_ADMIN' });
    // A custom role holding roles:manage is no admin: the last ADMIN still cannot go.
    await createRole(server, solo, 'MGR', ['roles:manage']);
    await userWithRole(server, solo, 'mgr', 'MGR');
    expectError(await server.gql(REVOKE_ROLE, { userId: solo.user.id, role: 'ADMIN' }, as(solo)), lastAdmin);
    // Another admin: now it may.
    const other = await makeAdmin(server, 'other');
    expect(await ok(server.gql(REVOKE_ROLE, { userId: solo.user.id, role: 'ADMIN' }, as(other)), 'revokeRole')).toMatchObject({ roles: ['USER'] });
  });

  it('keeps someone who can manage roles when no admin is left (the operator demoted them all)', async () => {
    // The CLI may remove every admin; then the custom role's holders are the last who can manage roles.
    await server.app.orm.em.fork().nativeUpdate(User, { role: 'ADMIN' }, { role: 'USER' });
    const mgr = await login(server, 'mgr', PASSWORD);
    const lastAdmin = { code: 'LAST_ADMIN' };
    expectError(await server.gql(REVOKE_ROLE, { userId: mgr.user.id, role: 'MGR' }, as(mgr)), { ...lastAdmin, field: 'userId' });
    expectError(await server.gql(UPDATE_ROLE, { name: 'MGR', permissions: [] }, as(mgr)), { ...lastAdmin, field: 'permissions' });
    expectError(await server.gql(DELETE_ACCOUNT, { password: PASSWORD }, as(mgr)), { code: 'LAST_ADMIN' });
    expect(await ok(server.gql(ME_ACCESS, {}, as(mgr)), 'me')).toMatchObject({ roles: ['USER', 'MGR'], permissions: ['roles:manage'] });
    // A second holder: the first may step down.
    const solo = (await server.app.services.users.findByUsername(server.app.orm.em.fork(), 'solo'))!;
    await ok(server.gql(GRANT_ROLE, { userId: solo.id, role: 'MGR' }, as(mgr)), 'grantRole');
    expect(await ok(server.gql(REVOKE_ROLE, { userId: mgr.user.id, role: 'MGR' }, as(mgr)), 'revokeRole')).toMatchObject({ roles: ['USER'] });
  });
});

describe('live sockets of an account whose permissions shrink', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'AUDITOR', ['audit:read']);
    await createRole(server, admin, 'EDITOR', ['products:write']);
  });
  afterAll(() => server.close());

  const open = async (token: string) => {
    const socket = new RawSocket(wsUrl(server));
    expect(await socket.init({ authorization: `Bearer ${token}` })).toBe('ack');
    return socket;
  };

  it('closes them with 4403 PERMISSIONS_CHANGED on revokeRole and on updateRole, not on a grant', async () => {
    const eve = await userWithRole(server, admin, 'eve', 'AUDITOR');
    const kept = await open(eve.accessToken);
    await ok(server.gql(GRANT_ROLE, { userId: eve.user.id, role: 'EDITOR' }, as(admin)), 'grantRole');
    await new Promise((r) => setTimeout(r, 200));
    expect(kept.raw.readyState).toBe(kept.raw.OPEN);

    await ok(server.gql(REVOKE_ROLE, { userId: eve.user.id, role: 'AUDITOR' }, as(admin)), 'revokeRole');
    expect(await kept.closed).toEqual({ code: 4403, reason: 'PERMISSIONS_CHANGED' });

    // Reconnecting (what graphql-ws does after 4403) works, with the smaller set.
    const next = await open(eve.accessToken);
    await ok(server.gql(UPDATE_ROLE, { name: 'EDITOR', permissions: [] }, as(admin)), 'updateRole');
    expect(await next.closed).toEqual({ code: 4403, reason: 'PERMISSIONS_CHANGED' });
  });

  it('closes them with ACCOUNT_DISABLED on deactivation', async () => {
    const fay = await register(server, 'fay', PASSWORD);
    const socket = await open(fay.accessToken);
    await ok(server.gql(SET_ACTIVE, { id: fay.user.id, active: false }, as(admin)), 'setUserActive');
    expect(await socket.closed).toEqual({ code: 4403, reason: 'ACCOUNT_DISABLED' });
  });
});

describe('other accounts’ sessions, carts and wishlists behind their own permissions', () => {
  let server: TestServer;
  let admin: any;
  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'DIRECTORY', ['users:read']);
    await createRole(server, admin, 'SESSIONS', ['users:read', 'sessions:manage']);
    await createRole(server, admin, 'SHOP_SUPPORT', ['users:read', 'carts:read']);
  });
  afterAll(() => server.close());

  const REVOKE_SESSION = `mutation ($id: ID!) { revokeSession(id: $id) }`;

  it('User.sessions and revokeSession of anyone need sessions:manage; User.cart and User.wishlists need carts:read', async () => {
    const pat = await register(server, 'pat', PASSWORD);
    const directory = await userWithRole(server, admin, 'dir', 'DIRECTORY');
    const sessions = await userWithRole(server, admin, 'ses', 'SESSIONS');
    const shop = await userWithRole(server, admin, 'shop', 'SHOP_SUPPORT');

    // users:read shows the accounts, not their sessions, carts or wishlists (each field names what it needs).
    for (const [field, missing] of [['sessions { id }', 'sessions:manage'], ['cart { itemCount }', 'carts:read'], ['wishlists { id }', 'carts:read']]) {
      // A page of 40: 100 accounts with up to 50 sessions each pass the cost limit (GRAPHQL_MAX_COST).
      const res = await server.gql(`{ users(first: 40) { edges { node { username ${field} } } } }`, {}, as(directory));
      expect(res.status).toBe(403);
      expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing });
    }
    // Its own are its own.
    expect((await server.gql(`{ me { sessions { id } cart { itemCount } wishlists { id } } }`, {}, as(directory))).status).toBe(200);

    // The page after root (an admin, whose sessions SESSIONS may not read): pat alone.
    const after = (await ok(server.gql(`{ users(first: 1) { edges { cursor node { username } } } }`, {}, as(directory)), 'users')).edges[0].cursor;
    const bySessions = await ok(server.gql(`query ($after: String) { users(first: 1, after: $after) { edges { node { username sessions { id } } } } }`, { after }, as(sessions)), 'users');
    const patSessions = bySessions.edges.find((e: any) => e.node.username === 'pat').node.sessions;
    expect(patSessions.map((s: any) => s.id)).toEqual([pat.sessionId]);
    expectError(await server.gql(REVOKE_SESSION, { id: pat.sessionId }, as(directory)), { code: 'NOT_FOUND', field: 'id' });
    expect(await ok(server.gql(REVOKE_SESSION, { id: pat.sessionId }, as(sessions)), 'revokeSession')).toBe(true);
    expect(firstError(await server.gql(ME, {}, as(pat)))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });

    const byShop = await ok(server.gql(`query ($after: String) { users(first: 1, after: $after) { edges { node { username cart { itemCount } wishlists { id } } } } }`, { after }, as(shop)), 'users');
    expect(byShop.edges.find((e: any) => e.node.username === 'pat').node).toEqual({ username: 'pat', cart: { itemCount: 0 }, wishlists: [] });
  });

  it('reads and acts on no account holding a permission the actor lacks (PERMISSION_NOT_HELD): sessions, carts, wishlists, API tokens', async () => {
    await createRole(server, admin, 'TOKENS', ['api-tokens:manage']);
    const sessions = await userWithRole(server, admin, 'ses2', 'SESSIONS');
    const peer = await userWithRole(server, admin, 'ses3', 'SESSIONS');
    const shop = await userWithRole(server, admin, 'shop2', 'SHOP_SUPPORT');
    const tokens = await userWithRole(server, admin, 'tok2', 'TOKENS');
    const adminToken = await createApiToken(server, admin, [], 'root script');
    const notHeld = (res: any, missing: string) => {
      expect(res.status).toBe(403);
      expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD', missing });
    };
    // root is the first account: a page of one is root alone.
    const rootPage = (field: string) => `{ users(first: 1) { edges { node { username ${field} } } } }`;
    notHeld(await server.gql(rootPage('sessions { id ip userAgent }'), {}, as(sessions)), 'users:manage');
    notHeld(await server.gql(REVOKE_SESSION, { id: admin.sessionId }, as(sessions)), 'users:manage');
    notHeld(await server.gql(rootPage('cart { itemCount }'), {}, as(shop)), 'users:manage');
    notHeld(await server.gql(rootPage('wishlists { id }'), {}, as(shop)), 'users:manage');
    notHeld(await server.gql(API_TOKENS, { userId: admin.user.id }, as(tokens)), 'users:read');
    notHeld(await server.gql(REVOKE_API_TOKEN, { id: adminToken.apiToken.id }, as(tokens)), 'users:read');
    // Roles too: a role manager without users:manage gives or takes no role of root's.
    await createRole(server, admin, 'DESK', ['users:read', 'roles:manage']);
    const desk = await userWithRole(server, admin, 'desk2', 'DESK');
    notHeld(await server.gql(GRANT_ROLE, { userId: admin.user.id, role: 'DIRECTORY' }, as(desk)), 'users:manage');
    notHeld(await server.gql(REVOKE_ROLE, { userId: admin.user.id, role: 'DIRECTORY' }, as(desk)), 'users:manage');
    // Nothing happened to root.
    expect((await server.gql(ME, {}, as(admin))).status).toBe(200);
    expect((await server.gql(ME, {}, as(adminToken.token))).status).toBe(200);

    // An account holding nothing the actor lacks stays reachable: a peer with the same role, an admin over anyone.
    expect(await ok(server.gql(REVOKE_SESSION, { id: peer.sessionId }, as(sessions)), 'revokeSession')).toBe(true);
    expect(await ok(server.gql(REVOKE_SESSION, { id: sessions.sessionId }, as(admin)), 'revokeSession')).toBe(true);
  });
});
