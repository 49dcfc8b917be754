import { randomUUID } from 'node:crypto';
import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../../src/context';
import { ForbiddenError } from '../../../src/errors';
import { makeGrant } from '../../../src/modules/access/grant';
import { buildSchema } from '../../../src/schema';
import { User } from '../../../src/modules/user/user.entity';
import { createTestServer, firstError, login, register, ME, type TestServer } from '../../helpers/server';
import {
  ADD_ONE,
  ADD_TO_CART,
  CLEAR_CART,
  CREATE_PRODUCT,
  MY_CART,
  PASSWORD,
  REMOVE_FROM_CART,
  SET_QUANTITY,
  expectError,
  expectForbidden,
  expectUnauthenticated,
  insertProducts,
  makeAdmin,
  ok,
  seeded,
} from '../../helpers/shop';

const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id isActive } }`;
const USERS_CARTS = `{ users(first: 10) { edges { node { username cart { itemCount items { quantity product { id } } } } } } }`;
const ME_CART = `{ me { id cart { totalCents itemCount items { quantity product { name } } } } }`;

describe('the cart', () => {
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
  const cartOf = async (who: any) => ok(server.gql(MY_CART, {}, as(who)), 'myCart');
  const add = (who: any, productId: string, quantity?: number) =>
    server.gql(quantity === undefined ? ADD_ONE : ADD_TO_CART, { productId, quantity }, as(who));

  it('starts empty, in the default currency, dated from the account', async () => {
    const cart = await cartOf(alice);
    expect(cart).toEqual({ items: [], totalCents: 0, currency: 'EUR', itemCount: 0, updatedAt: alice.user.createdAt });
  });

  it('adds one by default, to a single line per product, and computes every total', async () => {
    const [p, q] = products;
    server.clock.advance(5);
    let cart = await ok(add(alice, p.id), 'addToCart');
    expect(cart.items).toEqual([{ quantity: 1, lineTotalCents: p.priceCents, product: { id: p.id, name: p.name, priceCents: p.priceCents, currency: 'EUR' } }]);
    expect(cart.updatedAt).toBe(server.clock.now().toISOString());

    cart = await ok(add(alice, p.id, 2), 'addToCart');
    cart = await ok(add(alice, q.id, 4), 'addToCart');
    expect(cart.items.map((i: any) => [i.product.id, i.quantity, i.lineTotalCents])).toEqual([
      [p.id, 3, 3 * p.priceCents],
      [q.id, 4, 4 * q.priceCents],
    ]);
    expect(cart.totalCents).toBe(3 * p.priceCents + 4 * q.priceCents);
    expect(cart.itemCount).toBe(7);
    expect(cart.currency).toBe('EUR');
    expect(await cartOf(alice)).toEqual(cart);
  });

  it('answers me { cart } with the same cart', async () => {
    const me = await ok(server.gql(ME_CART, {}, as(alice)), 'me');
    expect(me.cart.itemCount).toBe(7);
    expect(me.cart.items.map((i: any) => i.product.name)).toEqual([products[0].name, products[1].name]);
  });

  it('keeps one cart per user: bob sees none of alice’s lines, and his changes leave hers alone', async () => {
    expect((await cartOf(bob)).items).toEqual([]);
    await ok(add(bob, products[0].id, 9), 'addToCart');
    expect((await cartOf(alice)).items[0].quantity).toBe(3);
    expect((await cartOf(bob)).items.map((i: any) => i.quantity)).toEqual([9]);
    await ok(server.gql(CLEAR_CART, {}, as(bob)), 'clearCart');
    expect((await cartOf(alice)).itemCount).toBe(7);
  });

  it('sets a quantity, starting the line if needed; 0 removes the line', async () => {
    const [p, q, r] = products;
    let cart = await ok(server.gql(SET_QUANTITY, { productId: p.id, quantity: 5 }, as(alice)), 'setCartQuantity');
    expect(cart.items.map((i: any) => [i.product.id, i.quantity])).toEqual([[p.id, 5], [q.id, 4]]);
    cart = await ok(server.gql(SET_QUANTITY, { productId: r.id, quantity: 2 }, as(alice)), 'setCartQuantity');
    expect(cart.items.map((i: any) => i.product.id)).toEqual([p.id, q.id, r.id]);
    cart = await ok(server.gql(SET_QUANTITY, { productId: q.id, quantity: 0 }, as(alice)), 'setCartQuantity');
    expect(cart.items.map((i: any) => [i.product.id, i.quantity])).toEqual([[p.id, 5], [r.id, 2]]);
    // 0 for a product that is not in the cart changes nothing (not even the time).
    server.clock.advance(5);
    const again = await ok(server.gql(SET_QUANTITY, { productId: q.id, quantity: 0 }, as(alice)), 'setCartQuantity');
    expect(again).toEqual(cart);
    expect(cart.itemCount).toBe(7);
  });

  it('removes a line, and clears the cart', async () => {
    const [p, , r] = products;
    let cart = await ok(server.gql(REMOVE_FROM_CART, { productId: p.id }, as(alice)), 'removeFromCart');
    expect(cart.items.map((i: any) => i.product.id)).toEqual([r.id]);
    cart = await ok(server.gql(REMOVE_FROM_CART, { productId: p.id }, as(alice)), 'removeFromCart');
    expect(cart.items.map((i: any) => i.product.id)).toEqual([r.id]);
    server.clock.advance(5);
    cart = await ok(server.gql(CLEAR_CART, {}, as(alice)), 'clearCart');
    expect(cart).toMatchObject({ items: [], totalCents: 0, itemCount: 0, currency: 'EUR', updatedAt: server.clock.now().toISOString() });
    expect(await cartOf(alice)).toEqual(cart);
  });

  describe('input', () => {
    afterEach(async () => {
      await server.gql(CLEAR_CART, {}, as(alice));
    });

    it.each([0, -1, 100, 1000])('refuses addToCart quantity %i', async (quantity) => {
      expectError(await add(alice, products[0].id, quantity), { code: 'BAD_USER_INPUT', field: 'quantity' });
    });

    it.each([-1, 100])('refuses setCartQuantity quantity %i', async (quantity) => {
      expectError(await server.gql(SET_QUANTITY, { productId: products[0].id, quantity }, as(alice)), { code: 'BAD_USER_INPUT', field: 'quantity' });
    });

    it('accepts 99 on a line and refuses going past it, leaving the line as it was', async () => {
      const p = products[0].id;
      expect((await ok(add(alice, p, 99), 'addToCart')).items[0].quantity).toBe(99);
      expectError(await add(alice, p), { code: 'BAD_USER_INPUT', field: 'quantity', reason: 'QUANTITY_LIMIT' });
      await ok(server.gql(SET_QUANTITY, { productId: p, quantity: 50 }, as(alice)), 'setCartQuantity');
      expectError(await add(alice, p, 50), { code: 'BAD_USER_INPUT', field: 'quantity', reason: 'QUANTITY_LIMIT' });
      expect((await cartOf(alice)).items[0].quantity).toBe(50);
    });

    it('holds at most 100 different products', async () => {
      const ids = await insertProducts(server, 101, { prefix: 'Hundred' });
      for (const id of ids.slice(0, 100)) await ok(add(alice, id), 'addToCart');
      expectError(await add(alice, ids[100]), { code: 'BAD_USER_INPUT', field: 'productId', reason: 'CART_FULL' });
      expectError(await server.gql(SET_QUANTITY, { productId: ids[100], quantity: 1 }, as(alice)), { code: 'BAD_USER_INPUT', reason: 'CART_FULL' });
      // A product already in the full cart still takes more.
      expect((await ok(add(alice, ids[0], 3), 'addToCart')).items).toHaveLength(100);
      expect((await cartOf(alice)).itemCount).toBe(103);
    });

    it('refuses a second currency with CURRENCY_MISMATCH, and takes it once the cart is empty', async () => {
      const usd = await ok(server.gql(CREATE_PRODUCT, { input: { name: 'Imported Tea', priceCents: 500, currency: 'usd' } }, as(admin)), 'createProduct');
      await ok(add(alice, products[0].id), 'addToCart');
      const res = await add(alice, usd.id);
      expectError(res, { code: 'CURRENCY_MISMATCH', field: 'productId', cartCurrency: 'EUR', productCurrency: 'USD' });
      expectError(await server.gql(SET_QUANTITY, { productId: usd.id, quantity: 2 }, as(alice)), { code: 'CURRENCY_MISMATCH' });
      await ok(server.gql(REMOVE_FROM_CART, { productId: products[0].id }, as(alice)), 'removeFromCart');
      const cart = await ok(add(alice, usd.id), 'addToCart');
      expect(cart).toMatchObject({ currency: 'USD', totalCents: 500 });
      expectError(await add(alice, products[0].id), { code: 'CURRENCY_MISMATCH', cartCurrency: 'USD', productCurrency: 'EUR' });
    });

    it('keeps totals within a GraphQL Int (2147483647 cents)', async () => {
      const [dear] = await insertProducts(server, 1, { prefix: 'Yacht', priceCents: 100_000_000 });
      const [dinghy] = await insertProducts(server, 1, { prefix: 'Dinghy', priceCents: 1_000_000 });
      const cart = await ok(add(alice, dear, 21), 'addToCart');
      expect(cart.totalCents).toBe(2_100_000_000);
      expectError(await add(alice, dear), { code: 'BAD_USER_INPUT', field: 'quantity', reason: 'CART_TOTAL_LIMIT' });
      expect((await ok(add(alice, dinghy, 47), 'addToCart')).totalCents).toBe(2_147_000_000);
      expectError(await add(alice, dinghy), { code: 'BAD_USER_INPUT', reason: 'CART_TOTAL_LIMIT' });
      expect((await cartOf(alice)).totalCents).toBe(2_147_000_000);
    });
  });

  describe('unknown products', () => {
    it.each([
      ['an unknown id', randomUUID()],
      ['a malformed id', 'not-a-uuid'],
    ])('answers NOT_FOUND on productId for %s', async (_why, productId) => {
      for (const res of [
        await add(alice, productId),
        await server.gql(SET_QUANTITY, { productId, quantity: 1 }, as(alice)),
        await server.gql(SET_QUANTITY, { productId, quantity: 0 }, as(alice)),
        await server.gql(REMOVE_FROM_CART, { productId }, as(alice)),
      ]) {
        expectError(res, { code: 'NOT_FOUND', field: 'productId' });
        expect(res.body.errors![0].message).toBe('Product not found.');
      }
    });
  });

  describe('access', () => {
    it('refuses every cart operation without a token, and with a bad one', async () => {
      const p = products[0].id;
      for (const [query, variables] of [
        [MY_CART, {}],
        [ADD_ONE, { productId: p }],
        [SET_QUANTITY, { productId: p, quantity: 1 }],
        [REMOVE_FROM_CART, { productId: p }],
        [CLEAR_CART, {}],
      ] as const) {
        expectUnauthenticated(await server.gql(query, variables));
        expectUnauthenticated(await server.gql(query, variables, { token: 'garbage' }), 'TOKEN_INVALID');
      }
    });

    it('lets an admin read every user’s cart through User.cart', async () => {
      await ok(add(bob, products[2].id, 2), 'addToCart');
      const users = await ok(server.gql(USERS_CARTS, {}, as(admin)), 'users');
      const byName = Object.fromEntries(users.edges.map((e: any) => [e.node.username, e.node.cart]));
      expect(byName.bob.items.map((i: any) => [i.product.id, i.quantity])).toEqual([[products[2].id, 2]]);
      expect(byName.root.items).toEqual([]);
    });

    it('refuses User.cart of someone else to a USER with FORBIDDEN naming carts:read, as the built schema enforces it', async () => {
      const viewer = Object.assign(new User('bob', 'h', new Date()), { id: bob.user.id });
      const other = Object.assign(new User('alice', 'h', new Date()), { id: alice.user.id });
      const ctx = { getUser: () => Promise.resolve(viewer), getGrant: () => Promise.resolve(makeGrant([], null)), em: server.app.orm.em.fork(), services: server.app.services } as unknown as Context;
      const resolve = (buildSchema().getType('User') as GraphQLObjectType).getFields().cart.resolve as (parent: User, args: object, ctx: Context, info: GraphQLResolveInfo) => Promise<unknown>;
      await expect(resolve(other, {}, ctx, {} as GraphQLResolveInfo)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(resolve(other, {}, ctx, {} as GraphQLResolveInfo)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'carts:read' } });
      await expect(resolve(viewer, {}, ctx, {} as GraphQLResolveInfo)).resolves.toMatchObject({ owner: viewer });
    });
  });

  it('keeps the cart of a deactivated user, and shows it again after reactivation', async () => {
    const carol = await register(server, 'carol', PASSWORD);
    await ok(add(carol, products[3].id, 4), 'addToCart');
    await ok(server.gql(SET_ACTIVE, { id: carol.user.id, active: false }, as(admin)), 'setUserActive');
    expectUnauthenticated(await server.gql(MY_CART, {}, as(carol)), 'ACCOUNT_DISABLED');
    const whileInactive = await ok(server.gql(USERS_CARTS, {}, as(admin)), 'users');
    expect(whileInactive.edges.find((e: any) => e.node.username === 'carol').node.cart.itemCount).toBe(4);
    await ok(server.gql(SET_ACTIVE, { id: carol.user.id, active: true }, as(admin)), 'setUserActive');
    const again = await login(server, 'carol', PASSWORD);
    expect((await cartOf(again)).items.map((i: any) => [i.product.id, i.quantity])).toEqual([[products[3].id, 4]]);
    expect(firstError(await server.gql(ME, {}, as(again)))).toEqual({});
  });
});
