import { createTestServer, register, type TestServer } from '../../helpers/server';
import { ADD_TO_CART, CREATE_WISHLIST, PASSWORD, countStatements, fillWishlist, insertProducts, makeAdmin, ok } from '../../helpers/shop';

const CART = `{ myCart { totalCents itemCount currency updatedAt items { quantity lineTotalCents product { id name priceCents } } } }`;
/** These reads count SQL statements, not cost: whole wishlists of whole pages pass the default GRAPHQL_MAX_COST. */
const WIDE_OPEN = { GRAPHQL_MAX_COST: '1000000' };
const WISHLISTS = `{ myWishlists { id name products { id name priceCents } } }`;
const ME_ALL = `{ me { cart { totalCents items { quantity product { name } } } wishlists { name products { name } } } }`;
const USERS_ALL = `{ users(first: 10) { edges { node { username cart { totalCents items { quantity product { name } } } wishlists { name products { name } } } } } }`;

/** No N+1: what a query costs in SQL statements does not grow with the number of lines, lists or users. */
describe('SQL statements per shop read', () => {
  let server: TestServer;
  let ids: string[];
  beforeAll(async () => {
    server = await createTestServer(WIDE_OPEN);
    ids = await insertProducts(server, 50, { prefix: 'Counted' });
  });
  afterAll(() => server.close());

  /** The statements one request sends, after a warm-up run of the same request. */
  async function statementsFor(query: string, token: string) {
    expect((await server.gql(query, {}, { token })).body.errors).toBeUndefined();
    return countStatements(server, () => server.gql(query, {}, { token }));
  }

  async function userWithCart(name: string, lines: number) {
    const user = await register(server, name, PASSWORD);
    for (const productId of ids.slice(0, lines)) await ok(server.gql(ADD_TO_CART, { productId, quantity: 2 }, { token: user.accessToken }), 'addToCart');
    return user;
  }

  async function userWithWishlists(name: string, lists: number, perList: number) {
    const user = await register(server, name, PASSWORD);
    for (let i = 0; i < lists; i++) {
      const list = await ok(server.gql(CREATE_WISHLIST, { name: `List ${i}` }, { token: user.accessToken }), 'createWishlist');
      await fillWishlist(server, list.id, ids.slice(i, i + perList));
    }
    return user;
  }

  it('loads a cart of 50 lines in as many statements as a cart of 1', async () => {
    const small = await userWithCart('small_cart', 1);
    const large = await userWithCart('large_cart', 50);
    const one = await statementsFor(CART, small.accessToken);
    const fifty = await statementsFor(CART, large.accessToken);
    expect((await ok(server.gql(CART, {}, { token: large.accessToken }), 'myCart')).items).toHaveLength(50);
    expect(fifty.count).toBe(one.count);
    if (process.env.SHOW_SQL) console.log(fifty.statements.join('\n'));
    expect(one.count).toBeLessThanOrEqual(3); // the viewer, the shopper row, the lines with their products
  });

  it('loads ten wishlists of 20 products in as many statements as one of 1', async () => {
    const small = await userWithWishlists('small_lists', 1, 1);
    const large = await userWithWishlists('large_lists', 10, 20);
    const one = await statementsFor(WISHLISTS, small.accessToken);
    const ten = await statementsFor(WISHLISTS, large.accessToken);
    const lists = await ok(server.gql(WISHLISTS, {}, { token: large.accessToken }), 'myWishlists');
    expect(lists.map((l: any) => l.products.length)).toEqual(Array(10).fill(20));
    expect(ten.count).toBe(one.count);
    if (process.env.SHOW_SQL) console.log(ten.statements.join('\n'));
    expect(one.count).toBeLessThanOrEqual(4);
  });

  it('loads me { cart wishlists } in constant statements', async () => {
    const small = await userWithWishlists('small_both', 1, 1);
    await ok(server.gql(ADD_TO_CART, { productId: ids[0], quantity: 1 }, { token: small.accessToken }), 'addToCart');
    const large = await userWithWishlists('large_both', 10, 20);
    for (const productId of ids) await ok(server.gql(ADD_TO_CART, { productId, quantity: 1 }, { token: large.accessToken }), 'addToCart');
    expect((await statementsFor(ME_ALL, large.accessToken)).count).toBe((await statementsFor(ME_ALL, small.accessToken)).count);
  });

  it('batches carts and wishlists across the users of an admin’s page', async () => {
    const fresh = await createTestServer(WIDE_OPEN);
    try {
      const products = await insertProducts(fresh, 20, { prefix: 'Batch' });
      const admin = await makeAdmin(fresh, 'root');
      const fill = async (name: string) => {
        const user = await register(fresh, name, PASSWORD);
        for (const productId of products.slice(0, 5)) await ok(fresh.gql(ADD_TO_CART, { productId, quantity: 1 }, { token: user.accessToken }), 'addToCart');
        const list = await ok(fresh.gql(CREATE_WISHLIST, { name: 'Mine' }, { token: user.accessToken }), 'createWishlist');
        await fillWishlist(fresh, list.id, products.slice(5, 10));
      };
      const cost = async () => {
        await fresh.gql(USERS_ALL, {}, { token: admin.accessToken });
        return (await countStatements(fresh, () => fresh.gql(USERS_ALL, {}, { token: admin.accessToken }))).count;
      };
      await fill('user_1');
      const withOne = await cost();
      for (const name of ['user_2', 'user_3', 'user_4', 'user_5']) await fill(name);
      const withFive = await cost();
      const page = await ok(fresh.gql(USERS_ALL, {}, { token: admin.accessToken }), 'users');
      expect(page.edges.filter((e: any) => e.node.cart.items.length === 5 && e.node.wishlists[0]?.products.length === 5)).toHaveLength(5);
      expect(withFive).toBe(withOne);
    } finally {
      await fresh.close();
    }
  });
});
