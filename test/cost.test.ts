import { readFileSync } from 'node:fs';
import { parse, specifiedRules, validate } from 'graphql';
import { armor } from '../src/armor';
import { loadConfig } from '../src/config';
import { buildSchema } from '../src/schema';
import { createTestServer, firstError, register, type GqlResponse, type TestServer } from './helpers/server';
import { as } from './helpers/access';
import { CREATE_WISHLIST, ADD_TO_WISHLIST, insertProducts, makeAdmin, ok } from './helpers/shop';

const PRODUCT = 'id name description priceCents currency';
/** The request that answered 8.5 MB: every wishlist's products, under 30 aliases. */
const WIDE = '{ ' + Array.from({ length: 30 }, (_, i) => `a${i}: myWishlists { id name products { ${PRODUCT} } }`).join(' ') + ' }';

const costRefusal = (res: GqlResponse) => {
  expect(res.status).toBe(400);
  expect(res.body.data ?? null).toBeNull();
  expect(res.body.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'COST', max: 5000 })]);
  return res.body.errors![0].extensions!.cost as number;
};

describe('the cost counts list sizes (GRAPHQL_MAX_COST, default 5000)', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await createTestServer();
    const alice = await register(server, 'alice');
    token = alice.accessToken;
    const list = await ok(server.gql(CREATE_WISHLIST, { name: 'Gifts' }, { token }), 'createWishlist');
    for (const productId of await insertProducts(server, 3)) await ok(server.gql(ADD_TO_WISHLIST, { wishlistId: list.id, productId }, { token }), 'addToWishlist');
  });
  afterAll(() => server.close());

  it('refuses the wide wishlist request before running it, however few wishlists the account has', async () => {
    expect(costRefusal(await server.gql(WIDE, {}, { token }))).toBeGreaterThan(100_000);
  });

  it('counts a list without a page size at its maximum: every product of up to 50 wishlists is refused once', async () => {
    // 50 wishlists × (1 + 2 fields + 100 products × 6) values.
    expect(costRefusal(await server.gql(`{ myWishlists { id name products { ${PRODUCT} } } }`, {}, { token }))).toBe(50 * (1 + 2 + 100 * 6));
  });

  it('counts a page at its size: a small page of each wishlist runs', async () => {
    const res = await server.gql(`{ myWishlists { productCount products(first: 10) { ${PRODUCT} } } }`, {}, { token });
    expect(res.status).toBe(200);
    expect(res.body.data.myWishlists.map((w: any) => [w.productCount, w.products.length])).toEqual([[3, 3]]);
  });

  it('counts connections by their page: 30 aliased pages of 100 products are refused, one is not', async () => {
    const page = (first: number) => `products(first: ${first}) { edges { node { ${PRODUCT} } } }`;
    const aliased = '{ ' + Array.from({ length: 30 }, (_, i) => `p${i}: ${page(100)}`).join(' ') + ' }';
    expect(costRefusal(await server.gql(aliased))).toBe(30 * (1 + 100 * (1 + 1 + 5)));
    expect((await server.gql(`{ ${page(100)} }`)).status).toBe(200);
  });

  it('costs a page size given in a variable at the maximum', async () => {
    const query = 'query ($n: Int) { ' + Array.from({ length: 10 }, (_, i) => `p${i}: products(first: $n) { edges { node { ${PRODUCT} } } }`).join(' ') + ' }';
    expect(costRefusal(await server.gql(query, { n: 1 }))).toBe(10 * (1 + 100 * 7));
  });
});

describe('GRAPHQL_MAX_RESPONSE_BYTES', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ GRAPHQL_MAX_RESPONSE_BYTES: '4kb' });
    await insertProducts(server, 100, { prefix: 'A product with a fairly long name' });
  });
  afterAll(() => server.close());

  it('replaces an answer past the limit with RESPONSE_TOO_LARGE, and sends smaller ones', async () => {
    const res = await server.gql('{ products(first: 100) { edges { node { id name } } } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: null, errors: [{ message: expect.any(String), extensions: { code: 'RESPONSE_TOO_LARGE', max: 4096 } }] });
    const small = await server.gql('{ products(first: 5) { edges { node { id name } } } }');
    expect(small.body.data.products.edges).toHaveLength(5);
  });
});

describe('the web app', () => {
  it('sends only documents within the default limits (its trusted-documents manifest)', () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'a-test-secret-that-is-at-least-32-bytes', DATA_DIR: '/nonexistent-data-dir' });
    const rules = [...specifiedRules, ...armor(config).validationRules];
    const schema = buildSchema();
    const manifest: Record<string, string> = JSON.parse(readFileSync(`${__dirname}/../web/src/gql/persisted-documents.json`, 'utf8'));
    const refused = Object.values(manifest).flatMap((query) => validate(schema, parse(query), rules).map((e) => `${/\w+ (\w+)/.exec(query)?.[1]}: ${e.message}`));
    expect(refused).toEqual([]);
  });
});

describe('@cost weights', () => {
  let server: TestServer;
  beforeAll(async () => (server = await createTestServer()));
  afterAll(() => server.close());

  it('counts an aggregate over a table at its weight, so aliases cannot multiply it past the limit', async () => {
    const admin = await makeAdmin(server, 'root');
    const many = `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: authStats(range: LAST_7_DAYS) { from }`).join(' ')} }`;
    const refused = await server.gql(many, {}, as(admin));
    expect(firstError(refused)).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'COST' });
    const counts = `{ ${Array.from({ length: 25 }, (_, i) => `c${i}: auditEvents(first: 1) { totalCount }`).join(' ')} }`;
    expect(firstError(await server.gql(counts, {}, as(admin)))).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'COST' });
    expect((await server.gql('{ authStats(range: LAST_24_HOURS) { from } }', {}, as(admin))).body.errors).toBeUndefined();
  });
});
