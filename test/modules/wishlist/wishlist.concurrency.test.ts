import { createTestServer, register, type GqlResponse, type TestServer } from '../../helpers/server';
import { ADD_TO_WISHLIST, CREATE_WISHLIST, MY_WISHLISTS, PASSWORD, fillWishlist, insertProducts, ok } from '../../helpers/shop';

/** Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (where requests really overlap). */
describe('concurrent wishlist changes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  const code = (res: GqlResponse) => res.body.errors?.[0]?.extensions?.code ?? 'OK';

  it('ten createWishlist with one name at once: one wishlist and nine NAME_TAKEN', async () => {
    const hal = await register(server, 'hal', PASSWORD);
    const names = ['Gifts', 'gifts', 'GIFTS', ' Gifts', 'Gifts ', 'gIFTS', 'Gifts', 'GiFtS', 'gifts', 'Gifts'];
    const results = await Promise.all(names.map((name) => server.gql(CREATE_WISHLIST, { name }, { token: hal.accessToken })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.map(code).sort()).toEqual(['NAME_TAKEN', ...Array(8).fill('NAME_TAKEN'), 'OK'].sort());
    const lists = await ok(server.gql(MY_WISHLISTS, {}, { token: hal.accessToken }), 'myWishlists');
    expect(lists).toHaveLength(1);
  });

  it('never lets racing creates pass 50 wishlists', async () => {
    const ida = await register(server, 'ida', PASSWORD);
    for (let i = 0; i < 48; i++) await ok(server.gql(CREATE_WISHLIST, { name: `List ${i}` }, { token: ida.accessToken }), 'createWishlist');
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => server.gql(CREATE_WISHLIST, { name: `Race ${i}` }, { token: ida.accessToken })));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(results.map(code).sort()).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'OK', 'OK']);
    expect(await ok(server.gql(MY_WISHLISTS, {}, { token: ida.accessToken }), 'myWishlists')).toHaveLength(50);
  });

  it('never lets racing adds pass 500 products, and the same product added at once is one entry', async () => {
    const jo = await register(server, 'joe', PASSWORD);
    const list = await ok(server.gql(CREATE_WISHLIST, { name: 'Big' }, { token: jo.accessToken }), 'createWishlist');
    const ids = await insertProducts(server, 503, { prefix: 'Wish' });
    await fillWishlist(server, list.id, ids.slice(0, 497));
    const same = await Promise.all(Array.from({ length: 5 }, () => server.gql(ADD_TO_WISHLIST, { wishlistId: list.id, productId: ids[497] }, { token: jo.accessToken })));
    expect(same.map(code)).toEqual(Array(5).fill('OK'));
    const results = await Promise.all(ids.slice(498).map((productId) => server.gql(ADD_TO_WISHLIST, { wishlistId: list.id, productId }, { token: jo.accessToken })));
    expect(results.map(code).sort()).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'OK', 'OK']);
    const [after] = await ok(server.gql(MY_WISHLISTS, {}, { token: jo.accessToken }), 'myWishlists');
    expect(after.productCount).toBe(500);
  });
});
