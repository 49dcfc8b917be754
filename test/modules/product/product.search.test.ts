import { nameKey } from '../../../src/lib/text';
import { createTestServer, type TestServer } from '../../helpers/server';
import { countStatements, CREATE_PRODUCT, makeAdmin, ok, UPDATE_PRODUCT, DELETE_PRODUCT } from '../../helpers/shop';

const SEARCH = `query ($s: String, $first: Int) { products(search: $s, first: $first) { totalCount edges { node { name } } } }`;
const NAMES = ['Blue Lamp', 'Lamp shade 50%', 'under_score', 'Ölkanne', 'ÉCLAIR dish', 'Say "quoted"', 'Lampe à huile', 'a\\b path', 'Crème brûlée torch'];
const SEARCHES = ['lamp', 'LAMP', 'amp s', '50%', '%', '_', 'r_s', 'ölk', 'ÖLK', 'éclair', '"quoted"', 'quo', 'à h', 'a\\b', 'la', 'e', 'brûlée', 'nothing here', 'mp'];

describe('products(search:) through the trigram index', () => {
  let server: TestServer;
  let adminToken: string;
  beforeAll(async () => {
    server = await createTestServer();
    adminToken = (await makeAdmin(server, 'search_admin')).accessToken;
    for (const name of NAMES) await ok(server.gql(CREATE_PRODUCT, { input: { name, priceCents: 100 } }, { token: adminToken }), 'createProduct');
  });
  afterAll(() => server.close());

  const found = async (s: string) => {
    const page = await ok(server.gql(SEARCH, { s, first: 100 }), 'products');
    return { total: page.totalCount, names: page.edges.map((e: any) => e.node.name).filter((n: string) => NAMES.includes(n)).sort() };
  };

  it('answers exactly what a substring match in any letter case answers, for short and long text and LIKE wildcards', async () => {
    for (const s of SEARCHES) {
      const expected = NAMES.filter((n) => nameKey(n).includes(nameKey(s))).sort();
      expect({ s, names: (await found(s)).names }).toEqual({ s, names: expected });
    }
  });

  it('follows renames and deletes', async () => {
    const created = await ok(server.gql(CREATE_PRODUCT, { input: { name: 'Zebra mug', priceCents: 100 } }, { token: adminToken }), 'createProduct');
    expect((await found('zebra')).total).toBe(1);
    await ok(server.gql(UPDATE_PRODUCT, { id: created.id, input: { name: 'Yak mug', priceCents: 100 } }, { token: adminToken }), 'updateProduct');
    expect((await found('zebra')).total).toBe(0);
    expect((await found('yak m')).total).toBe(1);
    await ok(server.gql(DELETE_PRODUCT, { id: created.id }, { token: adminToken }), 'deleteProduct');
    expect((await found('yak m')).total).toBe(0);
  });

  it('uses the index, not a LIKE scan, for text of three characters or more', async () => {
    const { statements } = await countStatements(server, () => found('lamp'));
    const search = statements.filter((sql) => /from .?products.? /i.test(sql));
    expect(search.length).toBeGreaterThan(0);
    if (server.config.database.kind === 'sqlite') expect(search.every((sql) => /products_fts match/i.test(sql))).toBe(true);
    else {
      const plan = await server.app.orm.em.fork().getConnection().execute(`explain select id from products where name_key like '%lamp%'`);
      expect(JSON.stringify(plan)).toMatch(/products_name_key_trgm_index|Seq Scan/); // tiny tables may still scan; the index exists:
      const [index] = await server.app.orm.em.fork().getConnection().execute(`select indexname from pg_indexes where indexname = 'products_name_key_trgm_index'`);
      expect(index).toBeDefined();
    }
  });
});
