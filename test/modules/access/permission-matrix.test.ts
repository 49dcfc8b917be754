import { getNamedType, isEnumType, type GraphQLObjectType, isInputObjectType, isLeafType, isListType, isNonNullType, type GraphQLField, type GraphQLInputType } from 'graphql';
import { rootRules, type Rule } from '../../../src/modules/access/directives';
import { ALL_PERMISSIONS, SESSION_ONLY, type Permission } from '../../../src/modules/access/permissions';
import { buildSchema } from '../../../src/schema';
import { createTestServer, register, type GqlResponse, type TestServer } from '../../helpers/server';
import { RawSocket, wsUrl } from '../../helpers/ws';
import { as, createApiToken, createRole, makeAdmin, userWithRole } from '../../helpers/access';

/**
 * The permission matrix: every root field, for each kind of caller, generated from the schema's directives
 * (which schema-rules.test.ts pins to a reviewed table) and checked against real requests: a wrong directive
 * and a wrong enforcement both fail. The expectations below are computed independently of src/modules/access.
 */

type Caller =
  | { kind: 'anonymous' }
  | { kind: 'session'; account: ReadonlySet<string> }
  | { kind: 'token'; account: ReadonlySet<string>; scopes: ReadonlySet<string> };

type Outcome = 'allow' | { status: number; code: string; reason: string; missing?: string };

const GUARD_REASONS = new Set(['INSUFFICIENT_ROLE', 'INSUFFICIENT_SCOPE', 'API_TOKEN_NOT_ALLOWED', 'NO_RULE']);

/** Fields whose resolver refuses API tokens on top of their directive (ending other people's sessions needs a person). */
const SESSION_PEOPLE_ONLY = new Set(['Mutation.revokeUserSessions']);

/** What the issue specifies, written from scratch: OR of ANDs over permissions; an API token's are scopes ∩ account, never roles:manage. */
function expected(rule: Rule, caller: Caller, field = ''): Outcome {
  const outcome = expectedByRule(rule, caller);
  if (outcome === 'allow' && caller.kind === 'token' && SESSION_PEOPLE_ONLY.has(field)) return { status: 403, code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED', missing: 'sessions:manage' };
  return outcome;
}

function expectedByRule(rule: Rule, caller: Caller): Outcome {
  if (rule.kind === 'public') return 'allow';
  if (caller.kind === 'anonymous') return { status: 401, code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' };
  if (rule.kind === 'authenticated') return 'allow';
  if (rule.kind === 'policy') {
    if (JSON.stringify(rule.policies) !== '[["sessionToken"]]') throw new Error(`no expectation written for ${JSON.stringify(rule.policies)}`);
    return caller.kind === 'token' ? { status: 403, code: 'FORBIDDEN', reason: 'API_TOKEN_NOT_ALLOWED' } : 'allow';
  }
  const effective = (p: string) => caller.account.has(p) && (caller.kind === 'session' || (caller.scopes.has(p) && !SESSION_ONLY.has(p as Permission)));
  const misses = rule.scopes.map((all) => all.filter((p) => !effective(p)));
  if (misses.some((m) => m.length === 0)) return 'allow';
  const fewest = misses.reduce((a, b) => (b.length < a.length ? b : a));
  const missing = [...fewest].sort((a, b) => ALL_PERMISSIONS.indexOf(a as Permission) - ALL_PERMISSIONS.indexOf(b as Permission))[0];
  const reason = !caller.account.has(missing) ? 'INSUFFICIENT_ROLE' : SESSION_ONLY.has(missing as Permission) ? 'API_TOKEN_NOT_ALLOWED' : 'INSUFFICIENT_SCOPE';
  return { status: 403, code: 'FORBIDDEN', reason, missing };
}

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';
function dummy(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummy(type.ofType);
  if (isListType(type)) return [dummy(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, dummy(f.type)]));
  const name = getNamedType(type).name;
  return name === 'ID' ? ZERO_UUID : name === 'Int' ? 1 : name === 'Boolean' ? true : name === 'DateTime' ? new Date(0).toISOString() : 'x';
}

/** A document that calls just this field, every argument given a harmless value (unknown ids, invalid names). */
function documentFor(operation: string, field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`);
  const args = field.args.map((a) => `${a.name}: $${a.name}`);
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const query = `${operation}${defs.length ? ` (${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
  return { query, variables: Object.fromEntries(field.args.map((a) => [a.name, dummy(a.type)])) };
}

interface Row {
  field: string;
  rule: Rule;
  operation: 'query' | 'mutation' | 'subscription';
  doc: { query: string; variables: Record<string, unknown> };
}

const schema = buildSchema();
const ROWS: Row[] = [...rootRules(schema)].map(([name, rules]) => {
  const [typeName, fieldName] = name.split('.');
  const operation = typeName === 'Query' ? 'query' : typeName === 'Mutation' ? 'mutation' : 'subscription';
  const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName];
  return { field: name, rule: rules[0], operation, doc: documentFor(operation, field) };
});
// Ends every session of the caller: run last.
const LAST = new Set(['Mutation.logoutAll']);
const ordered = [...ROWS.filter((r) => !LAST.has(r.field)), ...ROWS.filter((r) => LAST.has(r.field))];

/** The first alternative's permissions: what "the needed permission" means for a custom role and a token. */
const needed = (rule: Rule): string | null => (rule.kind === 'requiresScopes' ? rule.scopes[0][0] : null);
const unrelated = (rule: Rule): string => ALL_PERMISSIONS.find((p) => !(rule.kind === 'requiresScopes' && rule.scopes.flat().includes(p)))!;

function judge(res: { status: number; errors: any[] }, want: Outcome, caller: Caller): string | null {
  const refusal = res.errors.find(
    (e) => (e.extensions?.code === 'FORBIDDEN' && GUARD_REASONS.has(e.extensions.reason)) || (caller.kind === 'anonymous' && e.extensions?.code === 'UNAUTHENTICATED' && e.extensions.reason === 'TOKEN_MISSING'),
  );
  if (want === 'allow') return refusal ? `refused: ${JSON.stringify(refusal.extensions)}` : null;
  if (!refusal) return `allowed (errors: ${JSON.stringify(res.errors.map((e) => e.extensions?.code))}), want ${JSON.stringify(want)}`;
  const got = { status: res.status, code: refusal.extensions.code, reason: refusal.extensions.reason, ...(refusal.extensions.missing ? { missing: refusal.extensions.missing } : {}) };
  return JSON.stringify(got) === JSON.stringify(want) ? null : `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
}

describe('permission matrix over every root field', () => {
  let server: TestServer;
  /** How each kind of caller authenticates for a given field, and who it is. */
  let callers: Record<string, (rule: Rule) => { caller: Caller; token?: string }>;

  beforeAll(async () => {
    server = await createTestServer({ RATE_LOGIN_ACCOUNT_MAX: '1000', RATE_OIDC_EXCHANGE_IP_MAX: '1000' });
    const admin = await makeAdmin(server, 'm_admin');
    const user = await register(server, 'm_user', 'correct horse battery');
    const all = new Set<string>(ALL_PERMISSIONS);
    // One custom role per permission, each held by its own account.
    const holders: Record<string, any> = {};
    for (const p of ALL_PERMISSIONS) {
      const role = `ONLY_${p.replace(/[^a-z]/g, '_').toUpperCase()}`;
      await createRole(server, admin, role, [p]);
      holders[p] = await userWithRole(server, admin, `m_${role.toLowerCase()}`, role);
    }
    // The admin's tokens: one per permission a token may carry, one with every such scope, one with none.
    const tokenable = ALL_PERMISSIONS.filter((p) => !SESSION_ONLY.has(p));
    const tokens: Record<string, string> = {};
    for (const p of tokenable) tokens[p] = (await createApiToken(server, admin, [p], `only ${p}`)).token;
    const everything = (await createApiToken(server, admin, tokenable, 'everything')).token;
    const none = (await createApiToken(server, admin, [], 'none')).token;
    const session = (account: Iterable<string>, token: string) => ({ caller: { kind: 'session', account: new Set(account) } as Caller, token });
    callers = {
      anonymous: () => ({ caller: { kind: 'anonymous' } }),
      USER: () => session([], user.accessToken),
      ADMIN: () => session(all, admin.accessToken),
      'custom role with the needed permission': (rule) => {
        const p = needed(rule) ?? 'audit:read';
        return session([p], holders[p].accessToken);
      },
      'custom role with another permission': (rule) => {
        const p = unrelated(rule);
        return session([p], holders[p].accessToken);
      },
      'API token with the needed scope': (rule) => {
        const p = needed(rule);
        const [scopes, token] = p && tokens[p] ? [[p], tokens[p]] : [tokenable, everything];
        return { caller: { kind: 'token', account: all, scopes: new Set(scopes) }, token };
      },
      'API token without it': () => ({ caller: { kind: 'token', account: all, scopes: new Set() }, token: none }),
    };
  });
  afterAll(() => server?.close());

  it('covers every root field', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(50);
    expect(ROWS.filter((r) => r.operation === 'subscription').map((r) => r.field)).toEqual(['Subscription.cartChanged', 'Subscription.productChanged', 'Subscription.auditEventAdded']);
  });

  it.each(['anonymous', 'USER', 'ADMIN', 'custom role with the needed permission', 'custom role with another permission', 'API token with the needed scope', 'API token without it'])(
    '%s: every subscription over WebSocket answers as the schema says (subscribe is guarded too)',
    async (name) => {
      const mismatches: string[] = [];
      for (const row of ROWS.filter((r) => r.operation === 'subscription')) {
        const { caller, token } = callers[name](row.rule);
        const want = expected(row.rule, caller, row.field);
        const socket = new RawSocket(wsUrl(server));
        expect(await socket.init(token ? { authorization: `Bearer ${token}` } : undefined)).toBe('ack');
        socket.send({ id: 's', type: 'subscribe', payload: { query: row.doc.query, variables: row.doc.variables } });
        const answer = await socket.next((m) => m.id === 's', 400).catch(() => null);
        socket.close();
        if (want === 'allow') {
          if (answer?.type === 'error') mismatches.push(`${row.field}: refused ${JSON.stringify(answer.payload)}`);
          continue;
        }
        const errors = answer?.type === 'error' ? answer.payload : (answer?.payload?.errors ?? []);
        // Over a socket the refusal is the error message's extensions; the HTTP status does not apply.
        const problem = judge({ status: (want as { status: number }).status, errors }, want, caller);
        if (problem) mismatches.push(`${row.field}: ${problem}`);
      }
      expect(mismatches).toEqual([]);
    },
  );

  // Last: Mutation.logoutAll ends each caller's sessions.

  it.each([
    'anonymous',
    'USER',
    'ADMIN',
    'custom role with the needed permission',
    'custom role with another permission',
    'API token with the needed scope',
    'API token without it',
  ])('%s: every query and mutation over HTTP answers as the schema says', async (name) => {
    const mismatches: string[] = [];
    let allowed = 0;
    for (const row of ordered.filter((r) => r.operation !== 'subscription')) {
      const { caller, token } = callers[name](row.rule);
      const want = expected(row.rule, caller, row.field);
      const res: GqlResponse = await server.gql(row.doc.query, row.doc.variables, token ? { token } : {});
      const problem = judge({ status: res.status, errors: res.body.errors ?? [] }, want, caller);
      if (problem) mismatches.push(`${row.field}: ${problem}`);
      if (want === 'allow') allowed++;
    }
    expect(mismatches).toEqual([]);
    expect(allowed).toBeGreaterThan(0);
  });

});
