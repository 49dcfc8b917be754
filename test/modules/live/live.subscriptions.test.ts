import { createTestServer, register, type TestServer } from '../../helpers/server';
import { RawSocket, sleep, wsClient, wsUrl } from '../../helpers/ws';

const CART_CHANGED = `subscription { cartChanged { itemCount totalCents items { quantity product { id name } } } }`;
const PRODUCT_CHANGED = `subscription ($id: ID!) { productChanged(id: $id) { id name priceCents } }`;
const ADD = `mutation ($p: ID!, $q: Int) { addToCart(productId: $p, quantity: $q) { itemCount } }`;
const PRODUCTS = `{ products(first: 2) { edges { node { id name } } } }`;

describe('subscriptions', () => {
  let server: TestServer;
  let productIds: string[];
  beforeAll(async () => {
    server = await createTestServer();
    productIds = (await server.gql(PRODUCTS)).body.data.products.edges.map((e: any) => e.node.id);
  });
  afterAll(() => server.close());

  it('cartChanged delivers the viewer’s cart after addToCart from another HTTP client, and never another user’s', async () => {
    const alice = await register(server, 'sub_alice');
    const bob = await register(server, 'sub_bob');
    const a = new RawSocket(wsUrl(server));
    expect(await a.init({ accessToken: alice.accessToken })).toBe('ack');
    a.subscribe('cart', CART_CHANGED);
    await sleep(100);
    await server.gql(ADD, { p: productIds[0], q: 2 }, { token: bob.accessToken });
    await server.gql(ADD, { p: productIds[1], q: 3 }, { token: alice.accessToken });
    const next = await a.next((m) => m.id === 'cart' && m.type === 'next');
    expect(next.payload.data.cartChanged).toMatchObject({ itemCount: 3, items: [{ quantity: 3, product: { id: productIds[1] } }] });
    await sleep(200);
    expect(a.messages.filter((m) => m.type === 'next')).toEqual([]); // bob's change never reached alice
    a.close();
  });

  it('cartChanged without a token is UNAUTHENTICATED / TOKEN_MISSING on that subscription', async () => {
    const s = new RawSocket(wsUrl(server));
    expect(await s.init()).toBe('ack');
    s.subscribe('cart', CART_CHANGED);
    const msg = await s.next((m) => m.id === 'cart');
    const errors = msg.type === 'error' ? msg.payload : msg.payload.errors;
    expect(errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
    s.close();
  });

  it('productChanged works anonymously and sends null on delete', async () => {
    const admin = await register(server, 'sub_admin');
    await server.app.orm.em.fork().getConnection().execute(`update users set role = 'ADMIN' where id = ?`, [admin.user.id]);
    const created = await server.gql(`mutation { createProduct(input: { name: "Live Lamp", priceCents: 500 }) { id } }`, {}, { token: admin.accessToken });
    const id = created.body.data.createProduct.id;
    const client = wsClient(server, () => ({}));
    const seen: any[] = [];
    const done = new Promise<void>((resolve, reject) =>
      client.subscribe({ query: PRODUCT_CHANGED, variables: { id } }, { next: (v) => void seen.push(v.data?.productChanged), error: reject, complete: resolve }),
    );
    await sleep(150);
    await server.gql(`mutation ($id: ID!) { updateProduct(id: $id, input: { name: "Live Lamp 2", priceCents: 700 }) { id } }`, { id }, { token: admin.accessToken });
    await sleep(150);
    await server.gql(`mutation ($id: ID!) { deleteProduct(id: $id) }`, { id }, { token: admin.accessToken });
    for (let i = 0; i < 40 && seen.length < 2; i++) await sleep(50);
    expect(seen).toEqual([{ id, name: 'Live Lamp 2', priceCents: 700 }, null]);
    await client.dispose();
    await done.catch(() => undefined);
  });
});
