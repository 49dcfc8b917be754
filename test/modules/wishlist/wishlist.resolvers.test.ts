import { randomUUID } from 'node:crypto';
import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../../src/context';
import { ForbiddenError } from '../../../src/errors';
import { makeGrant } from '../../../src/modules/access/grant';
import { buildSchema } from '../../../src/schema';
import { User } from '../../../src/modules/user/user.entity';
import { createTestServer, login, register, type GqlResponse, type TestServer } from '../../helpers/server';
import {
  ADD_TO_WISHLIST,
  CREATE_WISHLIST,
  DELETE_WISHLIST,
  MY_WISHLISTS,
  PASSWORD,
  REMOVE_FROM_WISHLIST,
  RENAME_WISHLIST,
  WISHLIST,
  expectError,
  expectUnauthenticated,
  fillWishlist,
  insertProducts,
  makeAdmin,
  ok,
  seeded,
} from '../../helpers/shop';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id isActive } }`;
const USERS_WISHLISTS = `{ users(first: 10) { edges { node { username wishlists { name products(first: 3) { id } } } } } }`;

describe('wishlists', () => {
  let server: TestServer;
  let admin: any;
  let alice: any;
  let bob: any;
  let products: any[];

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    alice = await register(server, 'alice', PASSWORD);
    bob = await register(server, 'bob', PASSWORD);
    products = await seeded(server, 5);
  });
  afterAll(() => server.close());

  const as = (who: any) => ({ token: who.accessToken });
  // A second apart, so "oldest first" has one answer (ties are ordered by the random id).
  const create = (who: any, name: string) => {
    server.clock.advance(1);
    return server.gql(CREATE_WISHLIST, { name }, as(who));
  };
  const mine = (who: any) => ok(server.gql(MY_WISHLISTS, {}, as(who)), 'myWishlists');
  const addTo = (who: any, wishlistId: string, productId: string) => server.gql(ADD_TO_WISHLIST, { wishlistId, productId }, as(who));

  describe('happy paths', () => {
    let birthday: any;

    it('starts with none', async () => {
      expect(await mine(alice)).toEqual([]);
    });

    it('creates one with a trimmed name and a random (v4) UUID', async () => {
      birthday = await ok(create(alice, '  Birthday  '), 'createWishlist');
      expect(birthday).toMatchObject({ name: 'Birthday', products: [] });
      expect(birthday.id).toMatch(UUID_V4);
      expect(birthday.createdAt).toBe(birthday.updatedAt);
      const second = await ok(create(alice, 'Kitchen'), 'createWishlist');
      expect((await mine(alice)).map((w: any) => w.id)).toEqual([birthday.id, second.id]);
      expect(await ok(server.gql(WISHLIST, { id: birthday.id }, as(alice)), 'wishlist')).toEqual(birthday);
    });

    it('adds products in order; adding one twice changes nothing', async () => {
      const [p, q] = products;
      server.clock.advance(5);
      let list = await ok(addTo(alice, birthday.id, q.id), 'addToWishlist');
      list = await ok(addTo(alice, birthday.id, p.id), 'addToWishlist');
      expect(list.products).toEqual([{ id: q.id, name: q.name }, { id: p.id, name: p.name }]);
      expect(list.updatedAt).toBe(server.clock.now().toISOString());
      server.clock.advance(5);
      const again = await ok(addTo(alice, birthday.id, q.id), 'addToWishlist');
      expect(again).toEqual(list);
    });

    it('removes a product; removing one that is not there changes nothing', async () => {
      const [p, q, r] = products;
      let list = await ok(server.gql(REMOVE_FROM_WISHLIST, { wishlistId: birthday.id, productId: q.id }, as(alice)), 'removeFromWishlist');
      expect(list.products.map((x: any) => x.id)).toEqual([p.id]);
      list = await ok(server.gql(REMOVE_FROM_WISHLIST, { wishlistId: birthday.id, productId: r.id }, as(alice)), 'removeFromWishlist');
      expect(list.products.map((x: any) => x.id)).toEqual([p.id]);
    });

    it('renames, including to a different letter case of its own name', async () => {
      let list = await ok(server.gql(RENAME_WISHLIST, { id: birthday.id, name: 'Birthday 2027' }, as(alice)), 'renameWishlist');
      expect(list.name).toBe('Birthday 2027');
      list = await ok(server.gql(RENAME_WISHLIST, { id: birthday.id, name: 'BIRTHDAY 2027' }, as(alice)), 'renameWishlist');
      expect(list).toMatchObject({ id: birthday.id, name: 'BIRTHDAY 2027' });
    });

    it('deletes, after which the id is unknown', async () => {
      const temp = await ok(create(alice, 'Temporary'), 'createWishlist');
      expect(await ok(server.gql(DELETE_WISHLIST, { id: temp.id }, as(alice)), 'deleteWishlist')).toBe(true);
      expect(await ok(server.gql(WISHLIST, { id: temp.id }, as(alice)), 'wishlist')).toBeNull();
      expectError(await server.gql(DELETE_WISHLIST, { id: temp.id }, as(alice)), { code: 'NOT_FOUND', field: 'id' });
      expect((await mine(alice)).map((w: any) => w.name)).toEqual(['BIRTHDAY 2027', 'Kitchen']);
    });
  });

  describe('input', () => {
    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['81 characters', 'x'.repeat(81)],
      ['two lines', 'one\ntwo'],
      ['a control character', 'bell\u0007'],
    ])('refuses a name that is %s', async (_why, name) => {
      expectError(await create(alice, name), { code: 'BAD_USER_INPUT', field: 'name' });
      const [first] = await mine(alice);
      expectError(await server.gql(RENAME_WISHLIST, { id: first.id, name }, as(alice)), { code: 'BAD_USER_INPUT', field: 'name' });
    });

    it('accepts 80 characters (code points) after trimming', async () => {
      const name = '🎁'.repeat(80);
      expect((await ok(create(bob, `  ${name} `), 'createWishlist')).name).toBe(name);
    });

    it('refuses a name the user already has, in any case, with NAME_TAKEN', async () => {
      await ok(create(bob, 'Books'), 'createWishlist');
      for (const name of ['Books', 'BOOKS', ' books ']) expectError(await create(bob, name), { code: 'NAME_TAKEN', field: 'name' });
      const films = await ok(create(bob, 'Films'), 'createWishlist');
      expectError(await server.gql(RENAME_WISHLIST, { id: films.id, name: 'bOOKS' }, as(bob)), { code: 'NAME_TAKEN', field: 'name' });
      // Another user may use the same name.
      expect((await ok(create(alice, 'Books'), 'createWishlist')).name).toBe('Books');
    });

    it('allows at most 50 wishlists per user', async () => {
      const carol = await register(server, 'carol', PASSWORD);
      for (let i = 0; i < 50; i++) await ok(create(carol, `List ${i}`), 'createWishlist');
      expectError(await create(carol, 'One too many'), { code: 'BAD_USER_INPUT', field: 'name', reason: 'WISHLIST_LIMIT' });
      expect(await mine(carol)).toHaveLength(50);
    });

    it('pages the products in the order they were added (productPage), and gives the first `first` (products)', async () => {
      const list = await ok(create(bob, 'Paged'), 'createWishlist');
      const ids = await insertProducts(server, 5, { prefix: 'Paged' });
      for (const id of [ids[3], ids[0], ids[4], ids[1], ids[2]]) {
        server.clock.advance(1);
        await ok(addTo(bob, list.id, id), 'addToWishlist');
      }
      const order = [ids[3], ids[0], ids[4], ids[1], ids[2]];
      const PAGE = `query ($id: ID!, $after: String) { wishlist(id: $id) { productCount products(first: 2) { id } productPage(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const w = await ok(server.gql(PAGE, { id: list.id, after }, as(bob)), 'wishlist');
        expect(w.productCount).toBe(5);
        expect(w.products.map((p: any) => p.id)).toEqual(order.slice(0, 2));
        expect(w.productPage.totalCount).toBe(5);
        seen.push(...w.productPage.edges.map((e: any) => e.node.id));
        expect(w.productPage.pageInfo.hasNextPage).toBe(page < 2);
        after = w.productPage.pageInfo.endCursor;
      }
      expect(seen).toEqual(order);
      const tooBig = await server.gql(`query ($id: ID!) { wishlist(id: $id) { products(first: 101) { id } } }`, { id: list.id }, as(bob));
      expect(tooBig.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      const foreign = await server.gql(`query ($id: ID!, $after: String) { wishlist(id: $id) { productPage(after: $after) { totalCount } } }`, { id: list.id, after: products[0] && Buffer.from(`product:${products[4].id}`).toString('base64url') }, as(bob));
      expect(foreign.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });

    it('allows at most 500 products per wishlist', async () => {
      const ids = await insertProducts(server, 501, { prefix: 'Many' });
      const list = await ok(create(bob, 'Everything'), 'createWishlist');
      await fillWishlist(server, list.id, ids.slice(0, 499));
      expect((await ok(addTo(bob, list.id, ids[499]), 'addToWishlist')).productCount).toBe(500);
      expectError(await addTo(bob, list.id, ids[500]), { code: 'BAD_USER_INPUT', field: 'productId', reason: 'WISHLIST_FULL' });
      // Adding one already there is still a no-op, not an error.
      expect((await ok(addTo(bob, list.id, ids[0]), 'addToWishlist')).productCount).toBe(500);
    });
  });

  describe('ids that are unknown or someone else’s answer alike', () => {
    let bobs: any;
    beforeAll(async () => {
      bobs = await ok(create(bob, 'Secret'), 'createWishlist');
      await ok(addTo(bob, bobs.id, products[0].id), 'addToWishlist');
    });

    const strip = (res: GqlResponse) => ({ status: res.status, body: res.body });

    it('wishlist(id) is null for both', async () => {
      for (const id of [bobs.id, randomUUID(), 'not-a-uuid']) {
        const res = await server.gql(WISHLIST, { id }, as(alice));
        expect(strip(res)).toEqual({ status: 200, body: { data: { wishlist: null } } });
      }
    });

    it('every mutation answers NOT_FOUND with the same status, message and extensions', async () => {
      const [p] = products;
      const calls: Array<[string, (id: string) => Record<string, unknown>]> = [
        [RENAME_WISHLIST, (id) => ({ id, name: 'Mine now' })],
        [DELETE_WISHLIST, (id) => ({ id })],
        [ADD_TO_WISHLIST, (id) => ({ wishlistId: id, productId: p.id })],
        [REMOVE_FROM_WISHLIST, (id) => ({ wishlistId: id, productId: p.id })],
        // With an unknown product too: the wishlist is checked first, so nothing tells the two apart.
        [ADD_TO_WISHLIST, (id) => ({ wishlistId: id, productId: randomUUID() })],
      ];
      for (const [query, variables] of calls) {
        const theirs = strip(await server.gql(query, variables(bobs.id), as(alice)));
        const unknown = strip(await server.gql(query, variables(randomUUID()), as(alice)));
        const malformed = strip(await server.gql(query, variables('nope'), as(alice)));
        expect(theirs.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
        expect(theirs.body.errors?.[0].message).toBe('Wishlist not found.');
        expect(theirs).toEqual(unknown);
        expect(theirs).toEqual(malformed);
      }
      // Bob's wishlist is untouched.
      expect(await ok(server.gql(WISHLIST, { id: bobs.id }, as(bob)), 'wishlist')).toMatchObject({ name: 'Secret', products: [{ id: p.id }] });
    });

    it('an unknown product on one’s own wishlist is NOT_FOUND on productId', async () => {
      const [list] = await mine(alice);
      for (const productId of [randomUUID(), 'nope']) {
        expectError(await addTo(alice, list.id, productId), { code: 'NOT_FOUND', field: 'productId' });
        expectError(await server.gql(REMOVE_FROM_WISHLIST, { wishlistId: list.id, productId }, as(alice)), { code: 'NOT_FOUND', field: 'productId' });
      }
    });
  });

  describe('access', () => {
    it('refuses every wishlist operation without a valid token', async () => {
      const id = randomUUID();
      for (const [query, variables] of [
        [MY_WISHLISTS, {}],
        [WISHLIST, { id }],
        [CREATE_WISHLIST, { name: 'x' }],
        [RENAME_WISHLIST, { id, name: 'x' }],
        [DELETE_WISHLIST, { id }],
        [ADD_TO_WISHLIST, { wishlistId: id, productId: products[0].id }],
        [REMOVE_FROM_WISHLIST, { wishlistId: id, productId: products[0].id }],
      ] as const) {
        expectUnauthenticated(await server.gql(query, variables));
        expectUnauthenticated(await server.gql(query, variables, { token: 'garbage' }), 'TOKEN_INVALID');
      }
    });

    it('lets an admin read every user’s wishlists through User.wishlists', async () => {
      const users = await ok(server.gql(USERS_WISHLISTS, {}, as(admin)), 'users');
      const byName = Object.fromEntries(users.edges.map((e: any) => [e.node.username, e.node.wishlists]));
      expect(byName.root).toEqual([]);
      expect(byName.bob.find((w: any) => w.name === 'Secret').products).toEqual([{ id: products[0].id }]);
      expect(byName.alice.map((w: any) => w.name)).toEqual(['BIRTHDAY 2027', 'Kitchen', 'Books']);
    });

    it('refuses User.wishlists of someone else to a USER with FORBIDDEN naming carts:read, as the built schema enforces it', async () => {
      const viewer = Object.assign(new User('bob', 'h', new Date()), { id: bob.user.id });
      const other = Object.assign(new User('alice', 'h', new Date()), { id: alice.user.id });
      const ctx = { getUser: () => Promise.resolve(viewer), getGrant: () => Promise.resolve(makeGrant([], null)), em: server.app.orm.em.fork(), services: server.app.services } as unknown as Context;
      const resolve = (buildSchema().getType('User') as GraphQLObjectType).getFields().wishlists.resolve as (parent: User, args: object, ctx: Context, info: GraphQLResolveInfo) => Promise<unknown[]>;
      await expect(resolve(other, {}, ctx, {} as GraphQLResolveInfo)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(resolve(other, {}, ctx, {} as GraphQLResolveInfo)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'carts:read' } });
      expect((await resolve(viewer, {}, ctx, {} as GraphQLResolveInfo)).length).toBeGreaterThan(0);
    });

    it('keeps the wishlists of a deactivated user', async () => {
      const before = await mine(alice);
      await ok(server.gql(SET_ACTIVE, { id: alice.user.id, active: false }, as(admin)), 'setUserActive');
      await ok(server.gql(SET_ACTIVE, { id: alice.user.id, active: true }, as(admin)), 'setUserActive');
      alice = await login(server, 'alice', PASSWORD);
      expect(await mine(alice)).toEqual(before);
    });
  });
});
