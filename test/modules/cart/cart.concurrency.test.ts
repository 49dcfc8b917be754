import { CartItem } from '../../../src/modules/cart/cart-item.entity';
import { createTestServer, register, type GqlResponse, type TestServer } from '../../helpers/server';
import { Product } from '../../../src/modules/product/product.entity';
import { TOTAL_MAX } from '../../../src/modules/cart/cart.service';
import { ADD_ONE, ADD_TO_CART, CREATE_PRODUCT, MY_CART, PASSWORD, UPDATE_PRODUCT, insertProducts, makeAdmin, ok, seeded } from '../../helpers/shop';

/** Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (where requests really overlap). */
describe('concurrent cart changes', () => {
  let server: TestServer;
  let products: any[];
  beforeAll(async () => {
    server = await createTestServer();
    products = await seeded(server, 3);
  });
  afterAll(() => server.close());

  const outcome = (res: GqlResponse) => [res.status, res.body.errors?.[0]?.extensions?.code ?? 'OK'];

  it('ten addToCart(p, 1) at once make one line of 10, and every call succeeds', async () => {
    const dana = await register(server, 'dana', PASSWORD);
    const results = await Promise.all(Array.from({ length: 10 }, () => server.gql(ADD_ONE, { productId: products[0].id }, { token: dana.accessToken })));
    expect(results.map(outcome)).toEqual(Array.from({ length: 10 }, () => [200, 'OK']));
    const cart = await ok(server.gql(MY_CART, {}, { token: dana.accessToken }), 'myCart');
    expect(cart.items.map((i: any) => [i.product.id, i.quantity])).toEqual([[products[0].id, 10]]);
    expect(await server.app.orm.em.fork().count(CartItem, { shopper: dana.user.id })).toBe(1);
  });

  it('two products at once, five calls each: two lines of 5', async () => {
    const eve = await register(server, 'eve', PASSWORD);
    const calls = Array.from({ length: 10 }, (_, i) => server.gql(ADD_ONE, { productId: products[i % 2].id }, { token: eve.accessToken }));
    expect((await Promise.all(calls)).map(outcome)).toEqual(Array.from({ length: 10 }, () => [200, 'OK']));
    const cart = await ok(server.gql(MY_CART, {}, { token: eve.accessToken }), 'myCart');
    expect(cart.items.map((i: any) => i.quantity)).toEqual([5, 5]);
  });

  it('never lets racing adds pass the 100-line limit', async () => {
    const fay = await register(server, 'fay', PASSWORD);
    const ids = await insertProducts(server, 103, { prefix: 'Race' });
    for (const id of ids.slice(0, 98)) await ok(server.gql(ADD_ONE, { productId: id }, { token: fay.accessToken }), 'addToCart');
    const results = await Promise.all(ids.slice(98).map((productId) => server.gql(ADD_ONE, { productId }, { token: fay.accessToken })));
    const codes = results.map((r) => outcome(r)[1]).sort();
    expect(codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'OK', 'OK']);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await ok(server.gql(MY_CART, {}, { token: fay.accessToken }), 'myCart')).items).toHaveLength(100);
  });

  it('never mixes currencies when adds in two currencies race into an empty cart', async () => {
    const admin = await makeAdmin(server, 'racer_admin');
    const usd = await ok(server.gql(CREATE_PRODUCT, { input: { name: 'Race USD', priceCents: 100, currency: 'USD' } }, { token: admin.accessToken }), 'createProduct');
    const gus = await register(server, 'gus', PASSWORD);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => server.gql(ADD_ONE, { productId: i % 2 ? usd.id : products[0].id }, { token: gus.accessToken })),
    );
    const cart = await ok(server.gql(MY_CART, {}, { token: gus.accessToken }), 'myCart');
    expect(cart.items).toHaveLength(1);
    const won = cart.items[0];
    expect(won.quantity).toBe(5);
    expect(cart.currency).toBe(won.product.currency);
    expect(results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'CURRENCY_MISMATCH')).toHaveLength(5);
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('keeps a cart within TOTAL_MAX when the prices of five of its products rise at once', async () => {
    const admin = await makeAdmin(server, 'price_admin');
    const hal = await register(server, 'hal', PASSWORD);
    const ids = await insertProducts(server, 5, { prefix: 'Dear', priceCents: 10_000_000 });
    for (const productId of ids) await ok(server.gql(ADD_TO_CART, { productId, quantity: 40 }, { token: hal.accessToken }), 'addToCart');
    // 5 × 40 × 10,000,000 = 2,000,000,000; each rise to 11,000,000 adds 40,000,000: three fit, a fourth would not.
    const rises = await Promise.all(ids.map((id, i) => server.gql(UPDATE_PRODUCT, { id, input: { name: `Dear ${i}`, priceCents: 11_000_000 } }, { token: admin.accessToken })));
    const codes = rises.map((r) => r.body.errors?.[0]?.extensions?.reason ?? r.body.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(3);
    expect(codes.filter((c) => c !== 'OK')).toEqual(['CART_TOTAL_LIMIT', 'CART_TOTAL_LIMIT']);
    const cart = await server.gql(MY_CART, {}, { token: hal.accessToken });
    expect(cart.body.errors).toBeUndefined();
    expect(cart.body.data.myCart.totalCents).toBe(2_120_000_000);
  });

  it('a stored total over the Int range still reads (as TOTAL_MAX) instead of failing the cart', async () => {
    const ida = await register(server, 'ida', PASSWORD);
    const [id] = await insertProducts(server, 1, { prefix: 'Huge', priceCents: 20_000_000 });
    await ok(server.gql(ADD_TO_CART, { productId: id, quantity: 99 }, { token: ida.accessToken }), 'addToCart');
    // Past every check: a row changed by hand.
    await server.app.orm.em.fork().nativeUpdate(Product, { id }, { priceCents: 100_000_000 });
    const cart = await server.gql(MY_CART, {}, { token: ida.accessToken });
    expect(cart.body.errors).toBeUndefined();
    expect(cart.body.data.myCart.totalCents).toBe(TOTAL_MAX);
    expect(cart.body.data.myCart.items[0].lineTotalCents).toBe(TOTAL_MAX);
    // And the cart can still be emptied.
    expect((await server.gql(`mutation { clearCart { totalCents } }`, {}, { token: ida.accessToken })).body.data.clearCart.totalCents).toBe(0);
  });
});
