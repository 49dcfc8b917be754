import { createLogger } from '../../src/lib/logger';
import { createTestServer, LOGIN, register, type TestServer } from '../helpers/server';
import { RawSocket, wsUrl } from '../helpers/ws';

const NUL = '\u0000';

/** A NUL reaches no database (SQLite stops reading at it, PostgreSQL refuses it): refused at the edge, field named. */
describe('NUL characters in string arguments and variables', () => {
  let server: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
    server = await createTestServer({}, undefined, { logger });
    await register(server, 'root_nul');
  });
  afterAll(() => server.close());

  const expectRefused = (res: { status: number; body: any }, field: string, reason = 'NUL_CHARACTER') => {
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([{ message: expect.any(String), extensions: { code: 'BAD_USER_INPUT', field, reason } }]);
  };

  it('refuses them in literals, before sign-in, naming the argument or input field', async () => {
    expectRefused(await server.gql(`{ products(search: "a\\u0000b") { totalCount } }`), 'search');
    expectRefused(await server.gql(`mutation { login(input: { username: "root_nul\\u0000", password: "whatever it is" }) { accessToken } }`), 'username');
    expectRefused(await server.gql(`mutation { createWishlist(name: "a\\u{0}b") { id } }`), 'name');
  });

  it('refuses them in variables, nested ones too, naming the innermost field', async () => {
    expectRefused(await server.gql(`query ($s: String) { products(search: $s) { totalCount } }`, { s: `a${NUL}b` }), 's');
    expectRefused(await server.gql(LOGIN, { input: { username: `root_nul${NUL}`, password: 'whatever it is' } }), 'username');
    expectRefused(await server.gql(LOGIN, { input: { username: 'root_nul', password: `correct horse${NUL}` } }), 'password');
    expectRefused(await server.gql(`mutation ($p: [String!]!) { createRole(name: "NUL_ROLE", permissions: $p) { name } }`, { p: ['users:read', `x${NUL}`] }), 'p');
  });

  it('refuses a lone surrogate in a variable (PostgreSQL cannot store it), keeps a real pair', async () => {
    const SEARCH = `query ($s: String) { products(search: $s) { totalCount } }`;
    expectRefused(await server.gql(SEARCH, { s: 'a\ud83db' }), 's', 'MALFORMED_UNICODE');
    expectRefused(await server.gql(SEARCH, { s: '\ude00' }), 's', 'MALFORMED_UNICODE');
    expectRefused(await server.gql(LOGIN, { input: { username: 'root_nul', password: 'correct horse \udfff' } }), 'password', 'MALFORMED_UNICODE');
    const pair = await server.gql(SEARCH, { s: 'a\ud83d\ude00b' });
    expect(pair.status).toBe(200);
    expect(pair.body.errors).toBeUndefined();
  });

  it('refuses a variable nested deeper than any input instead of leaving it unchecked', async () => {
    let deep: unknown = `x${NUL}`;
    for (let i = 0; i < 80; i++) deep = { a: deep };
    expectRefused(await server.gql(`query ($s: String) { products(search: $s) { totalCount } }`, { s: 'ok', extra: deep }), 'a', 'TOO_DEEP');
  });

  it('logs nothing as an unexpected error', async () => {
    await server.gql(`{ products(search: "a\\u0000b") { totalCount } }`);
    expect(lines.filter((l) => /"level":"error"/.test(l))).toEqual([]);
  });

  it('refuses them in a subscribe message too', async () => {
    const socket = new RawSocket(wsUrl(server));
    expect(await socket.init()).toBe('ack');
    socket.subscribe('literal', `subscription { productChanged(id: "a\\u0000") { id } }`);
    socket.subscribe('variable', `subscription ($id: ID!) { productChanged(id: $id) { id } }`, { id: `a${NUL}` });
    for (const [id, field] of [['literal', 'id'], ['variable', 'id']]) {
      const message = await socket.next((m) => m.id === id);
      expect(message.type).toBe('error');
      expect(message.payload[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field, reason: 'NUL_CHARACTER' });
    }
    socket.close();
  });
});
