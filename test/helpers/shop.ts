import { Product } from '../../src/modules/product/product.entity';
import { User } from '../../src/modules/user/user.entity';
import { Wishlist } from '../../src/modules/wishlist/wishlist.entity';
import { WishlistItem } from '../../src/modules/wishlist/wishlist-item.entity';
import { firstError, login, register, type GqlResponse, type TestServer } from './server';

export const PASSWORD = 'correct horse battery';

export const PRODUCT_FIELDS = 'id name description priceCents currency createdAt';
export const CART_FIELDS = 'items { quantity lineTotalCents product { id name priceCents currency } } totalCents currency itemCount updatedAt';
// products(first: 20): under myWishlists (up to 50 lists) the default 100 would pass the cost limit.
export const WISHLIST_FIELDS = 'id name productCount products(first: 20) { id name } createdAt updatedAt';

export const MY_CART = `{ myCart { ${CART_FIELDS} } }`;
export const ADD_TO_CART = `mutation ($productId: ID!, $quantity: Int) { addToCart(productId: $productId, quantity: $quantity) { ${CART_FIELDS} } }`;
export const ADD_ONE = `mutation ($productId: ID!) { addToCart(productId: $productId) { ${CART_FIELDS} } }`;
export const SET_QUANTITY = `mutation ($productId: ID!, $quantity: Int!) { setCartQuantity(productId: $productId, quantity: $quantity) { ${CART_FIELDS} } }`;
export const REMOVE_FROM_CART = `mutation ($productId: ID!) { removeFromCart(productId: $productId) { ${CART_FIELDS} } }`;
export const CLEAR_CART = `mutation { clearCart { ${CART_FIELDS} } }`;

export const MY_WISHLISTS = `{ myWishlists { ${WISHLIST_FIELDS} } }`;
export const WISHLIST = `query ($id: ID!) { wishlist(id: $id) { ${WISHLIST_FIELDS} } }`;
export const CREATE_WISHLIST = `mutation ($name: String!) { createWishlist(name: $name) { ${WISHLIST_FIELDS} } }`;
export const RENAME_WISHLIST = `mutation ($id: ID!, $name: String!) { renameWishlist(id: $id, name: $name) { ${WISHLIST_FIELDS} } }`;
export const DELETE_WISHLIST = `mutation ($id: ID!) { deleteWishlist(id: $id) }`;
export const ADD_TO_WISHLIST = `mutation ($wishlistId: ID!, $productId: ID!) { addToWishlist(wishlistId: $wishlistId, productId: $productId) { ${WISHLIST_FIELDS} } }`;
export const REMOVE_FROM_WISHLIST = `mutation ($wishlistId: ID!, $productId: ID!) { removeFromWishlist(wishlistId: $wishlistId, productId: $productId) { ${WISHLIST_FIELDS} } }`;

export const PRODUCTS = `query ($first: Int, $after: String, $search: String) {
  products(first: $first, after: $after, search: $search) { edges { cursor node { ${PRODUCT_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount }
}`;
export const PRODUCT = `query ($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
export const CREATE_PRODUCT = `mutation ($input: ProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
export const UPDATE_PRODUCT = `mutation ($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_FIELDS} } }`;
export const DELETE_PRODUCT = `mutation ($id: ID!) { deleteProduct(id: $id) }`;

export const DELETE_ACCOUNT = `mutation ($password: String!) { deleteAccount(currentPassword: $password) }`;

/** Registers, promotes to ADMIN in the database, and logs in again so the token belongs to an admin. */
export async function makeAdmin(server: TestServer, username: string): Promise<any> {
  const first = await register(server, username, PASSWORD);
  await server.app.orm.em.fork().nativeUpdate(User, { id: first.user.id }, { role: 'ADMIN' });
  return login(server, username, PASSWORD);
}

/** The data of `field`, or a thrown error carrying the response's errors. */
export async function ok(res: Promise<GqlResponse> | GqlResponse, field: string): Promise<any> {
  const { status, body } = await res;
  if (body.errors || body.data?.[field] === undefined) throw new Error(`${field} failed (${status}): ${JSON.stringify(body.errors)}`);
  return body.data[field];
}

/** Asserts a domain error: HTTP 200, no data, the given code and extensions. */
export function expectError(res: GqlResponse, extensions: Record<string, unknown>): void {
  expect(res.status).toBe(200);
  expect(res.body.data ?? null).toBeNull();
  expect(firstError(res)).toMatchObject(extensions);
}

/** A 401 whose fields all resolved to null (a nullable field such as `wishlist` keeps its key). */
export function expectUnauthenticated(res: GqlResponse, reason = 'TOKEN_MISSING'): void {
  expect(res.status).toBe(401);
  expect(Object.values(res.body.data ?? {}).filter((v) => v !== null)).toEqual([]);
  expect(firstError(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason });
}

export function expectForbidden(res: GqlResponse, reason = 'INSUFFICIENT_ROLE'): void {
  expect(res.status).toBe(403);
  expect(res.body.data ?? null).toBeNull();
  expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason });
}

/** The seeded catalogue's first `n` products (oldest first). */
export async function seeded(server: TestServer, n: number): Promise<any[]> {
  const page = await ok(server.gql(PRODUCTS, { first: n }), 'products');
  return page.edges.map((e: any) => e.node);
}

/** Inserts products straight into the database (for limits that need many); returns their ids, oldest first. */
export async function insertProducts(server: TestServer, count: number, init: { prefix?: string; priceCents?: number; currency?: string } = {}): Promise<string[]> {
  const em = server.app.orm.em.fork();
  const now = server.clock.now();
  const products = Array.from(
    { length: count },
    (_, i) => new Product({ name: `${init.prefix ?? 'Bulk'} ${String(i).padStart(4, '0')}`, description: '', priceCents: init.priceCents ?? 100, currency: init.currency ?? 'EUR', now }),
  );
  await em.persist(products).flush();
  return products.map((p) => p.id);
}

/** Puts products on a wishlist straight in the database (for the size limit). */
export async function fillWishlist(server: TestServer, wishlistId: string, productIds: string[]): Promise<void> {
  const em = server.app.orm.em.fork();
  const now = server.clock.now();
  for (const productId of productIds) {
    em.persist(Object.assign(new WishlistItem(), { wishlist: em.getReference(Wishlist, wishlistId, { wrapped: true }), product: em.getReference(Product, productId), addedAt: now }));
  }
  await em.flush();
}

/** Counts the SQL statements the server sends while it runs. */
export async function countStatements(server: TestServer, work: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
  const config = server.app.orm.config;
  const previous = config.get('onQuery');
  const statements: string[] = [];
  config.set('onQuery', (sql: string, params: unknown[]) => {
    statements.push(sql);
    return previous(sql, params);
  });
  try {
    await work();
  } finally {
    config.set('onQuery', previous);
  }
  return { count: statements.length, statements };
}
