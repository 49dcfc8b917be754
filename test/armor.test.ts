import { createTestServer, login, register, type GqlResponse, type TestServer } from './helpers/server';

/** n aliased copies of a selection: `a0: sel a1: sel …`. */
const aliased = (n: number, selection: string) => '{ ' + Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join(' ') + ' }';
/** n directives, each on its own field (so graphql-js's one-directive-per-location rule is not what refuses it). */
const directives = (n: number) => aliased(n, '__typename @include(if: true)');
/** `{ t t t … }`: n copies of __typename plus two braces, n + 2 lexical tokens. */
const tokens = (n: number) => `{ ${Array(n - 2).fill('__typename').join(' ')} }`;
const DEEP = '{ users { edges { node { id } } } }'; // depth 4
const DEEP_BY_FRAGMENT = '{ users { ...E } } fragment E on UserConnection { edges { node { id } } }';
const SHALLOW = '{ users { edges { cursor } } }'; // depth 3
const COSTLY = '{ me { id username role isActive createdAt } }';
const CHEAP = '{ me { id } }';
const SYNTAX_ERROR = '{ me { id ';

/** A refusal by the armor or the parser: HTTP 400, nothing executed, no data, codes returned for inspection. */
function refused(res: GqlResponse): string[] {
  expect(res.status).toBe(400);
  expect(res.body.data ?? null).toBeNull();
  expect(res.body.errors?.length).toBeGreaterThan(0);
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/stacktrace/i);
  return res.body.errors!.map((e) => e.extensions?.code);
}

/** Passed parsing and validation: it ran (200 with data, or a field-level auth error). */
function ran(res: GqlResponse) {
  expect(res.status).not.toBe(400);
  expect(res.status).not.toBe(500);
  for (const e of res.body.errors ?? []) expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']).not.toContain(e.extensions?.code);
}

describe('GraphQL armor', () => {
  let defaults: TestServer;
  let depth: TestServer;
  let tokenLimit: TestServer;
  let cost: TestServer;
  let token: string;
  let costToken: string;

  beforeAll(async () => {
    [defaults, depth, tokenLimit, cost] = await Promise.all([
      createTestServer(),
      createTestServer({ GRAPHQL_MAX_DEPTH: '3' }),
      createTestServer({ GRAPHQL_MAX_TOKENS: '100' }),
      createTestServer({ GRAPHQL_MAX_COST: '5' }),
    ]);
    token = (await register(defaults, 'alice')).accessToken;
    // The helper's REGISTER selects too much for a cost limit of 5; this one costs less.
    const cheapRegister = await cost.gql('mutation { register(input: { username: "alice", password: "correct horse battery" }) { accessToken } }');
    costToken = cheapRegister.body.data.register.accessToken;
  });
  afterAll(async () => {
    await Promise.all([defaults, depth, tokenLimit, cost].map((s) => s?.close()));
  });

  describe('depth (GRAPHQL_MAX_DEPTH=3)', () => {
    it('refuses depth 4, also when reached through a fragment', async () => {
      refused(await depth.gql(DEEP));
      refused(await depth.gql(DEEP_BY_FRAGMENT));
    });
    it('runs depth 3 (control), and depth 4 under the default limit of 12', async () => {
      ran(await depth.gql(SHALLOW));
      ran(await defaults.gql(DEEP));
    });
  });

  describe('aliases (default 30)', () => {
    it('refuses 31 aliased fields and runs 30', async () => {
      refused(await defaults.gql(aliased(31, 'me { id }'), undefined, { token }));
      const ok = await defaults.gql(aliased(30, 'me { id }'), undefined, { token });
      ran(ok);
      expect(Object.keys(ok.body.data)).toHaveLength(30);
    });

    it('refuses 31 aliases of __typename', async () => {
      // graphql-armor's maxAliases exempts __typename by default (allowList: ['__typename']); the README promises 30 aliases per document.
      refused(await defaults.gql(aliased(31, '__typename')));
    });

    it('refuses 31 aliased register mutations before running any of them', async () => {
      const fields = Array.from({ length: 31 }, (_, i) => `r${i}: register(input: { username: "mass_${i}", password: "correct horse battery" }) { sessionId }`);
      const doc = `mutation { ${fields.join(' ')} }`;
      refused(await defaults.gql(doc));
      await expect(login(defaults, 'mass_0')).rejects.toThrow(/BAD_CREDENTIALS/);
    });
  });

  describe('directives (default 20)', () => {
    it('refuses 21 directives and runs 20', async () => {
      refused(await defaults.gql(directives(21)));
      ran(await defaults.gql(directives(20)));
    });
  });

  describe('tokens (GRAPHQL_MAX_TOKENS=100)', () => {
    it('refuses 101 tokens with QUERY_LIMIT_EXCEEDED (not a syntax error, without upstream\'s "more that") and runs 100', async () => {
      const res = await tokenLimit.gql(tokens(101));
      expect(refused(res)).toEqual(['QUERY_LIMIT_EXCEEDED']);
      expect(res.body.errors![0].extensions).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'TOKENS', max: 100 });
      expect(res.body.errors![0].message).not.toMatch(/syntax|more that/i);
      ran(await tokenLimit.gql(tokens(100)));
    });
  });

  describe('cost (GRAPHQL_MAX_COST=5)', () => {
    it('refuses a query with many fields and runs a small one', async () => {
      refused(await cost.gql(COSTLY, undefined, { token: costToken }));
      const ok = await cost.gql(CHEAP, undefined, { token: costToken });
      ran(ok);
      expect(ok.body.data.me.id).toEqual(expect.any(String));
    });
  });

  it('keeps a syntax error a 400 GRAPHQL_PARSE_FAILED (never a 500) on every armored server', async () => {
    for (const server of [defaults, depth, tokenLimit, cost]) {
      expect(refused(await server.gql(SYNTAX_ERROR))).toEqual(['GRAPHQL_PARSE_FAILED']);
    }
  });

  it('gives every refusal a stable code', async () => {
    const cases: Array<[string, TestServer, string]> = [
      ['depth', depth, DEEP],
      ['depthByFragment', depth, DEEP_BY_FRAGMENT],
      ['aliases', defaults, aliased(31, 'me { id }')],
      ['directives', defaults, directives(21)],
      ['tokens', tokenLimit, tokens(101)],
      ['cost', cost, COSTLY],
      ['syntax', defaults, SYNTAX_ERROR],
    ];
    const seen: Record<string, string[]> = {};
    for (const [name, server, query] of cases) seen[name] = [...new Set(refused(await server.gql(query)))];
    expect(seen).toEqual({
      depth: ['QUERY_LIMIT_EXCEEDED'],
      depthByFragment: ['QUERY_LIMIT_EXCEEDED'],
      aliases: ['QUERY_LIMIT_EXCEEDED'],
      directives: ['QUERY_LIMIT_EXCEEDED'],
      tokens: ['QUERY_LIMIT_EXCEEDED'],
      cost: ['QUERY_LIMIT_EXCEEDED'],
      syntax: ['GRAPHQL_PARSE_FAILED'],
    });
  });

  it('names the limit and its value, and calls no limit refusal a syntax error', async () => {
    const cases: Array<[TestServer, string, string, number]> = [
      [depth, DEEP, 'DEPTH', 3],
      [defaults, aliased(31, 'me { id }'), 'ALIASES', 30],
      [defaults, directives(21), 'DIRECTIVES', 20],
      [tokenLimit, tokens(101), 'TOKENS', 100],
      [cost, COSTLY, 'COST', 5],
      [defaults, `# ${'x'.repeat(40_000)}\n{ __typename }`, 'DOCUMENT_BYTES', 32 * 1024],
    ];
    for (const [server, query, limit, max] of cases) {
      const res = await server.gql(query, undefined, { token: server === cost ? costToken : token });
      expect(refused(res)).toEqual(['QUERY_LIMIT_EXCEEDED']);
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit, max });
      expect(res.body.errors![0].message).not.toMatch(/syntax error/i);
    }
  });

  describe('document size (GRAPHQL_MAX_DOCUMENT_BYTES, default 32kb)', () => {
    it('counts comments: a small query behind a 40 KB comment is refused, the same behind a 30 KB one runs', async () => {
      const behind = (n: number) => `# ${'x'.repeat(n)}\n{ __typename }`;
      expect(refused(await defaults.gql(behind(40_000)))).toEqual(['QUERY_LIMIT_EXCEEDED']);
      ran(await defaults.gql(behind(30_000)));
    });

    it('counts bytes, not characters', async () => {
      const res = await defaults.gql(`# ${'é'.repeat(17_000)}\n{ __typename }`); // 17,000 characters, 34,000 bytes
      expect(refused(res)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    });
  });

  describe('argument limits come before the cost', () => {
    it('answers products(first: 100000) with BAD_USER_INPUT on `first`, not a cost or syntax error', async () => {
      const res = await defaults.gql('{ products(first: 100000) { edges { node { id name } } } }');
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]).toMatchObject({ message: 'first must be between 1 and 100.', extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    });

    it('runs products(first: 100) and answers a page size past 100 in a variable with BAD_USER_INPUT too', async () => {
      ran(await defaults.gql('{ products(first: 100) { edges { node { id name } } } }'));
      const res = await defaults.gql('query ($n: Int) { products(first: $n) { totalCount } }', { n: 100000 });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });
  });
});
