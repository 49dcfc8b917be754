import { randomUUID } from 'node:crypto';
import { createTestServer, register, type TestServer } from '../../helpers/server';
import {
  ADD_TO_CART,
  ADD_TO_WISHLIST,
  CREATE_PRODUCT,
  CREATE_WISHLIST,
  DELETE_PRODUCT,
  MY_CART,
  PASSWORD,
  PRODUCT,
  PRODUCTS,
  UPDATE_PRODUCT,
  WISHLIST,
  expectError,
  expectForbidden,
  expectUnauthenticated,
  makeAdmin,
  ok,
} from '../../helpers/shop';

const EVENTS = `query ($type: AuditEventType) { auditEvents(first: 50, type: $type) { edges { node { type userId detail } } } }`;

describe('the catalogue', () => {
  let server: TestServer;
  let admin: any;
  let alice: any;

  beforeAll(async () => {
    server = await createTestServer();
    admin = await makeAdmin(server, 'root');
    alice = await register(server, 'alice', PASSWORD);
  });
  afterAll(() => server.close());

  const as = (who: any) => ({ token: who.accessToken });
  const products = (variables: Record<string, unknown>, token?: string) => ok(server.gql(PRODUCTS, variables, { token }), 'products');
  const create = (input: Record<string, unknown>, who = admin) => server.gql(CREATE_PRODUCT, { input }, as(who));

  describe('browsing (public)', () => {
    it('has a seeded catalogue, paged oldest first by cursor without gaps or repeats', async () => {
      const first = await products({});
      expect(first.totalCount).toBeGreaterThanOrEqual(30);
      expect(first.edges).toHaveLength(20);
      expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[19].cursor });
      const seen: string[] = first.edges.map((e: any) => e.node.id);
      let page = first;
      while (page.pageInfo.hasNextPage) {
        page = await products({ first: 7, after: page.pageInfo.endCursor });
        seen.push(...page.edges.map((e: any) => e.node.id));
      }
      expect(seen).toHaveLength(first.totalCount);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(seen);
      const product = first.edges[0].node;
      expect(product).toEqual({ id: expect.any(String), name: 'Espresso Beans, 1 kg', description: expect.any(String), priceCents: 2490, currency: 'EUR', createdAt: expect.any(String) });
    });

    it('searches names anywhere, in any letter case, and counts only the matches', async () => {
      const mugs = await products({ search: 'MUG' });
      expect(mugs.edges.map((e: any) => e.node.name)).toEqual(['Ceramic Mug', 'Travel Mug']);
      expect(mugs.totalCount).toBe(2);
      const notebooks = await products({ search: '  notebook a5, ' });
      expect(notebooks.edges.map((e: any) => e.node.name)).toEqual(['Notebook A5, Dotted', 'Notebook A5, Lined']);
      const paged = await products({ search: 'notebook', first: 1 });
      expect(paged).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
      const rest = await products({ search: 'notebook', first: 1, after: paged.pageInfo.endCursor });
      expect(rest.edges.map((e: any) => e.node.name)).toEqual(['Notebook A5, Lined']);
      expect(rest.pageInfo.hasNextPage).toBe(false);
      expect((await products({ search: 'no such thing' })).totalCount).toBe(0);
      expect((await products({ search: '' })).totalCount).toBe((await products({})).totalCount);
    });

    it('matches %, _ and \\ literally, and non-ASCII names regardless of case', async () => {
      for (const name of ['100% Cotton Tote', 'Snake_case Stickers', 'Back\\slash Poster', 'ÉCLAIR Mould']) await ok(create({ name, priceCents: 100 }), 'createProduct');
      const names = async (search: string) => (await products({ search, first: 100 })).edges.map((e: any) => e.node.name);
      expect(await names('%')).toEqual(['100% Cotton Tote']);
      expect(await names('_')).toEqual(['Snake_case Stickers']);
      expect(await names('\\')).toEqual(['Back\\slash Poster']);
      expect(await names('éclair')).toEqual(['ÉCLAIR Mould']);
    });

    it('answers product(id), and null for an unknown or malformed id', async () => {
      const [edge] = (await products({ first: 1 })).edges;
      expect(await ok(server.gql(PRODUCT, { id: edge.node.id }), 'product')).toEqual(edge.node);
      expect(await ok(server.gql(PRODUCT, { id: randomUUID() }), 'product')).toBeNull();
      expect(await ok(server.gql(PRODUCT, { id: 'nope' }), 'product')).toBeNull();
    });

    it('serves a stale or garbage token as if none were sent', async () => {
      expect((await products({ first: 1 }, 'garbage')).edges).toHaveLength(1);
      expect((await ok(server.gql(PRODUCT, { id: randomUUID() }, { token: 'garbage' }), 'product'))).toBeNull();
    });

    it('refuses a bad page size, cursor or search', async () => {
      for (const [variables, field] of [
        [{ first: 0 }, 'first'],
        [{ first: 101 }, 'first'],
        [{ after: 'not a cursor' }, 'after'],
        [{ after: Buffer.from(`user:${randomUUID()}`).toString('base64url') }, 'after'],
        [{ search: 'x'.repeat(201) }, 'search'],
      ] as const) {
        expectError(await server.gql(PRODUCTS, variables), { code: 'BAD_USER_INPUT', field });
      }
    });
  });

  describe('createProduct', () => {
    it('creates with defaults: trimmed name, empty description, EUR; upper-cases the currency', async () => {
      const plain = await ok(create({ name: '  Linen Apron ', priceCents: 3400 }), 'createProduct');
      expect(plain).toMatchObject({ name: 'Linen Apron', description: '', priceCents: 3400, currency: 'EUR' });
      const usd = await ok(create({ name: 'Maple Syrup', description: 'Grade A, 250 ml.', priceCents: 0, currency: 'usd' }), 'createProduct');
      expect(usd).toMatchObject({ description: 'Grade A, 250 ml.', priceCents: 0, currency: 'USD' });
      expect(await ok(server.gql(PRODUCT, { id: usd.id }), 'product')).toEqual(usd);
      expect((await products({ search: 'linen apron' })).edges.map((e: any) => e.node.id)).toEqual([plain.id]);
    });

    it('accepts the limits: a 200-character name, 100000000 cents', async () => {
      const name = 'n'.repeat(200);
      expect(await ok(create({ name, priceCents: 100_000_000, description: 'd'.repeat(2000) }), 'createProduct')).toMatchObject({ name, priceCents: 100_000_000 });
    });

    it.each([
      ['an empty name', { name: '', priceCents: 1 }, 'name'],
      ['a blank name', { name: '   ', priceCents: 1 }, 'name'],
      ['a 201-character name', { name: 'n'.repeat(201), priceCents: 1 }, 'name'],
      ['a name of two lines', { name: 'a\nb', priceCents: 1 }, 'name'],
      ['a negative price', { name: 'x', priceCents: -1 }, 'priceCents'],
      ['a price over 100000000', { name: 'x', priceCents: 100_000_001 }, 'priceCents'],
      ['a two-letter currency', { name: 'x', priceCents: 1, currency: 'EU' }, 'currency'],
      ['a four-letter currency', { name: 'x', priceCents: 1, currency: 'EURO' }, 'currency'],
      ['a code that is not ISO 4217', { name: 'x', priceCents: 1, currency: 'ABC' }, 'currency'],
      ['a symbol', { name: 'x', priceCents: 1, currency: '€' }, 'currency'],
      ['a 2001-character description', { name: 'x', priceCents: 1, description: 'd'.repeat(2001) }, 'description'],
    ])('refuses %s', async (_why, input, field) => {
      expectError(await create(input), { code: 'BAD_USER_INPUT', field });
    });

    it('is for admins only', async () => {
      expectForbidden(await create({ name: 'x', priceCents: 1 }, alice));
      expectUnauthenticated(await server.gql(CREATE_PRODUCT, { input: { name: 'x', priceCents: 1 } }));
    });
  });

  describe('updateProduct', () => {
    let product: any;
    beforeAll(async () => {
      product = await ok(create({ name: 'Desk Plant', description: 'Small.', priceCents: 900, currency: 'GBP' }), 'createProduct');
    });

    it('replaces name and price, and keeps an omitted description and currency', async () => {
      const updated = await ok(server.gql(UPDATE_PRODUCT, { id: product.id, input: { name: 'Desk Cactus', priceCents: 950 } }, as(admin)), 'updateProduct');
      expect(updated).toEqual({ ...product, name: 'Desk Cactus', priceCents: 950 });
      const again = await ok(server.gql(UPDATE_PRODUCT, { id: product.id, input: { name: 'Desk Cactus', priceCents: 950, description: '', currency: 'chf' } }, as(admin)), 'updateProduct');
      expect(again).toMatchObject({ description: '', currency: 'CHF' });
      expect((await products({ search: 'cactus' })).edges.map((e: any) => e.node.id)).toEqual([product.id]);
      expect((await products({ search: 'plant' })).edges.map((e: any) => e.node.id)).not.toContain(product.id);
    });

    it('validates like createProduct, and answers NOT_FOUND for an unknown id', async () => {
      expectError(await server.gql(UPDATE_PRODUCT, { id: product.id, input: { name: '', priceCents: 1 } }, as(admin)), { code: 'BAD_USER_INPUT', field: 'name' });
      expectError(await server.gql(UPDATE_PRODUCT, { id: product.id, input: { name: 'x', priceCents: 1, currency: 'XYZ' } }, as(admin)), { code: 'BAD_USER_INPUT', field: 'currency' });
      for (const id of [randomUUID(), 'nope']) {
        expectError(await server.gql(UPDATE_PRODUCT, { id, input: { name: 'x', priceCents: 1 } }, as(admin)), { code: 'NOT_FOUND', field: 'id' });
      }
    });

    it('keeps the currency of a product in a cart, and refuses a price no cart holding it can total', async () => {
      const lamp = await ok(create({ name: 'Lava Lamp', priceCents: 10_000_000 }), 'createProduct');
      await ok(server.gql(ADD_TO_CART, { productId: lamp.id, quantity: 22 }, as(alice)), 'addToCart');
      const change = (input: Record<string, unknown>) => server.gql(UPDATE_PRODUCT, { id: lamp.id, input: { name: 'Lava Lamp', ...input } }, as(admin));
      expectError(await change({ priceCents: 10_000_000, currency: 'USD' }), { code: 'BAD_USER_INPUT', field: 'currency', reason: 'PRODUCT_IN_CART' });
      // 22 × 100000000 would not fit in the cart's Int total; 22 × 90000000 does.
      expectError(await change({ priceCents: 100_000_000 }), { code: 'BAD_USER_INPUT', field: 'priceCents', reason: 'CART_TOTAL_LIMIT' });
      expect((await ok(change({ priceCents: 90_000_000 }), 'updateProduct')).priceCents).toBe(90_000_000);
      expect((await ok(server.gql(MY_CART, {}, as(alice)), 'myCart')).totalCents).toBe(22 * 90_000_000);
      // Out of every cart, the currency may change again.
      await server.gql(`mutation { clearCart { itemCount } }`, {}, as(alice));
      expect((await ok(change({ priceCents: 5, currency: 'USD' }), 'updateProduct')).currency).toBe('USD');
    });

    it('is for admins only', async () => {
      expectForbidden(await server.gql(UPDATE_PRODUCT, { id: product.id, input: { name: 'x', priceCents: 1 } }, as(alice)));
      expectUnauthenticated(await server.gql(UPDATE_PRODUCT, { id: product.id, input: { name: 'x', priceCents: 1 } }));
      expect(await ok(server.gql(PRODUCT, { id: product.id }), 'product')).toMatchObject({ name: 'Desk Cactus' });
    });
  });

  describe('deleteProduct', () => {
    it('removes the product from every cart and wishlist holding it', async () => {
      const doomed = await ok(create({ name: 'Discontinued Kettle', priceCents: 4000 }), 'createProduct');
      const kept = await ok(create({ name: 'Kept Kettle', priceCents: 100 }), 'createProduct');
      await ok(server.gql(ADD_TO_CART, { productId: doomed.id, quantity: 2 }, as(alice)), 'addToCart');
      await ok(server.gql(ADD_TO_CART, { productId: kept.id, quantity: 1 }, as(alice)), 'addToCart');
      const list = await ok(server.gql(CREATE_WISHLIST, { name: 'Kettles' }, as(alice)), 'createWishlist');
      await ok(server.gql(ADD_TO_WISHLIST, { wishlistId: list.id, productId: doomed.id }, as(alice)), 'addToWishlist');
      await ok(server.gql(ADD_TO_WISHLIST, { wishlistId: list.id, productId: kept.id }, as(alice)), 'addToWishlist');
      server.clock.advance(10);

      expect(await ok(server.gql(DELETE_PRODUCT, { id: doomed.id }, as(admin)), 'deleteProduct')).toBe(true);

      expect(await ok(server.gql(PRODUCT, { id: doomed.id }), 'product')).toBeNull();
      const cart = await ok(server.gql(MY_CART, {}, as(alice)), 'myCart');
      expect(cart).toMatchObject({ totalCents: 100, itemCount: 1, updatedAt: server.clock.now().toISOString() });
      expect(cart.items.map((i: any) => i.product.id)).toEqual([kept.id]);
      const after = await ok(server.gql(WISHLIST, { id: list.id }, as(alice)), 'wishlist');
      expect(after).toMatchObject({ products: [{ id: kept.id }], updatedAt: server.clock.now().toISOString() });
      expectError(await server.gql(DELETE_PRODUCT, { id: doomed.id }, as(admin)), { code: 'NOT_FOUND', field: 'id' });
      expectError(await server.gql(ADD_TO_CART, { productId: doomed.id, quantity: 1 }, as(alice)), { code: 'NOT_FOUND', field: 'productId' });
    });

    it('is for admins only', async () => {
      const [edge] = (await products({ first: 1 })).edges;
      expectForbidden(await server.gql(DELETE_PRODUCT, { id: edge.node.id }, as(alice)));
      expectUnauthenticated(await server.gql(DELETE_PRODUCT, { id: edge.node.id }));
      expect(await ok(server.gql(PRODUCT, { id: edge.node.id }), 'product')).not.toBeNull();
    });
  });

  it('audits every product change with the admin and the product id', async () => {
    const made = await ok(create({ name: 'Audited Vase', priceCents: 1500 }), 'createProduct');
    await ok(server.gql(UPDATE_PRODUCT, { id: made.id, input: { name: 'Audited Vase', priceCents: 1600 } }, as(admin)), 'updateProduct');
    // An update that changes nothing is not an event.
    await ok(server.gql(UPDATE_PRODUCT, { id: made.id, input: { name: 'Audited Vase', priceCents: 1600 } }, as(admin)), 'updateProduct');
    await ok(server.gql(DELETE_PRODUCT, { id: made.id }, as(admin)), 'deleteProduct');
    await server.app.services.audit.flush();
    const events = async (type: string) =>
      (await ok(server.gql(EVENTS, { type }, as(admin)), 'auditEvents')).edges.map((e: any) => e.node).filter((n: any) => JSON.parse(n.detail).productId === made.id);
    expect(await events('PRODUCT_CREATED')).toEqual([{ type: 'PRODUCT_CREATED', userId: admin.user.id, detail: JSON.stringify({ productId: made.id }) }]);
    const updated = await events('PRODUCT_UPDATED');
    expect(updated).toHaveLength(1);
    expect(JSON.parse(updated[0].detail)).toEqual({ productId: made.id, changed: ['priceCents'] });
    const deleted = await events('PRODUCT_DELETED');
    expect(deleted.map((n: any) => [n.userId, JSON.parse(n.detail)])).toEqual([[admin.user.id, { productId: made.id, name: 'Audited Vase' }]]);
  });
});
