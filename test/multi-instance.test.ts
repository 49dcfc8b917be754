import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { initORM } from '../src/db/orm';
import { freshDatabase } from './helpers/database';
import { LOGIN, ME, REFRESH, REGISTER } from './helpers/server';
import { RawSocket } from './helpers/ws';
import { freePort } from './helpers/process';
import { dpopClient, gqlWith, PUBLIC_URL as DPOP_PUBLIC_URL } from './helpers/dpop';

/** Two real `src/index.ts` processes on one PostgreSQL database: tokens, revocation and rate limits must hold across them. */
const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..');
const SECRET = '0123456789abcdefghijklmnopqrstuvwxyzABCD'; // 40 bytes, shared: same JWT key and sealing key
const PASSWORD = 'correct horse battery';
const LOGOUT_ALL = `mutation { logoutAll }`;
const PRODUCTS = `{ products(first: 1) { edges { node { id } } } }`;
const ADD_TO_CART = `mutation ($productId: ID!) { addToCart(productId: $productId) { itemCount } }`;
const MY_CART = `{ myCart { items { quantity product { id } } } }`;
const CREATE_WISHLIST = `mutation ($name: String!) { createWishlist(name: $name) { id } }`;
const MY_WISHLISTS = `{ myWishlists { id name } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Db = Awaited<ReturnType<typeof freshDatabase>>;
interface Instance {
  root: string;
  child: ChildProcess;
  exited: Promise<void>;
  log(): string;
}
interface Res {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
}


const started: Instance[] = [];
async function spawnInstance(dbUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, NODE_ENV: 'test', JWT_SECRET: SECRET, DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info',
      ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', RATE_LOGIN_IP_MAX: '6', RATE_REGISTER_IP_MAX: '1000', ...env,
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const instance = { root: `http://127.0.0.1:${port}`, child, exited, log: () => output };
  started.push(instance);
  return instance;
}

async function waitReady(instance: Instance, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`instance exited with ${instance.child.exitCode}:\n${instance.log()}`);
    const status = await fetch(`${instance.root}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`instance not ready after ${ms} ms:\n${instance.log()}`);
}

async function start(dbUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const instance = await spawnInstance(dbUrl, env);
  await waitReady(instance);
  return instance;
}

/** SIGTERM must end an instance cleanly (exit 0) within the shutdown bound; SIGKILL only reaps it, and fails the test. */
async function stop(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGTERM');
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    instance.child.kill('SIGKILL');
  }, 12_000);
  await instance.exited;
  clearTimeout(timer);
  if (hung) throw new Error(`instance ignored SIGTERM for 12 s:\n${instance.log()}`);
  expect(instance.child.exitCode).toBe(0);
}

async function gql(instance: Instance, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Res> {
  const res = await fetch(`${instance.root}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Res['body'] };
}

async function must(instance: Instance, query: string, variables: Record<string, unknown>, field: string, token?: string): Promise<any> {
  const res = await gql(instance, query, variables, token);
  if (res.body.data?.[field] == null) throw new Error(`${field} failed (${res.status}): ${JSON.stringify(res.body.errors)}`);
  return res.body.data[field];
}
const error = (res: Res) => res.body.errors?.[0]?.extensions ?? {};
const signUp = (i: Instance, username: string) => must(i, REGISTER, { input: { username, password: PASSWORD } }, 'register');
const signIn = (i: Instance, username: string, password = PASSWORD) => gql(i, LOGIN, { input: { username, password } });

describePg('two instances on one PostgreSQL database', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await Promise.all(started.map(stop));
    await db?.drop();
  });

  describe('with REFRESH_GRACE_PERIOD=0', () => {
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      // One after the other: the first one creates the schema (see the concurrent start below).
      a = await start(db.url, { REFRESH_GRACE_PERIOD: '0' });
      b = await start(db.url, { REFRESH_GRACE_PERIOD: '0' });
    });
    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map(stop));
    });

    it('(a) accepts on B a token issued by A, and the reverse', async () => {
      const alice = await signUp(a, 'alice');
      const onB = await gql(b, ME, {}, alice.accessToken);
      expect(onB.status).toBe(200);
      expect(onB.body.data?.me).toMatchObject({ id: alice.user.id, username: 'alice' });
      const fromB = await must(b, LOGIN, { input: { username: 'alice', password: PASSWORD } }, 'login');
      expect((await gql(a, ME, {}, fromB.accessToken)).body.data?.me.id).toBe(alice.user.id);
    });

    it('(b) a token rotated on A is reuse on B, and ends the session everywhere', async () => {
      const bob = await signUp(a, 'bob');
      const rotated = await must(a, REFRESH, { token: bob.refreshToken }, 'refreshToken');
      expect(rotated.refreshToken).not.toBe(bob.refreshToken);
      await sleep(50); // past the (zero) grace window
      const reused = await gql(b, REFRESH, { token: bob.refreshToken });
      expect(reused.status).toBe(401);
      expect(reused.body.data?.refreshToken ?? null).toBeNull();
      expect(error(reused)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_REUSED' });
      expect(error(await gql(a, REFRESH, { token: rotated.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
      expect(error(await gql(a, ME, {}, rotated.accessToken))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    });

    it('(c) logoutAll on A refuses the access token on B at once', async () => {
      const carol = await signUp(a, 'carol');
      const other = await must(b, LOGIN, { input: { username: 'carol', password: PASSWORD } }, 'login');
      expect((await gql(b, ME, {}, carol.accessToken)).body.data?.me.id).toBe(carol.user.id);
      expect(await must(a, LOGOUT_ALL, {}, 'logoutAll', carol.accessToken)).toBe(true);
      for (const token of [carol.accessToken, other.accessToken]) {
        const res = await gql(b, ME, {}, token);
        expect(res.status).toBe(401);
        expect(error(res)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
      }
    });

    it('(c2) ten addToCart calls split over A and B make one line of 10; ten createWishlist with one name make one wishlist', async () => {
      const fran = await signUp(a, 'fran');
      const [{ node: product }] = (await must(b, PRODUCTS, {}, 'products')).edges;
      const outcome = (r: Res) => [r.status, r.body.errors?.[0]?.extensions?.code ?? 'OK'];
      const adds = await Promise.all(Array.from({ length: 10 }, (_, i) => gql(i % 2 ? b : a, ADD_TO_CART, { productId: product.id }, fran.accessToken)));
      expect(adds.map(outcome)).toEqual(Array.from({ length: 10 }, () => [200, 'OK']));
      expect((await must(b, MY_CART, {}, 'myCart', fran.accessToken)).items).toEqual([{ quantity: 10, product: { id: product.id } }]);

      const creates = await Promise.all(Array.from({ length: 10 }, (_, i) => gql(i % 2 ? a : b, CREATE_WISHLIST, { name: i % 3 ? 'Shared' : 'SHARED' }, fran.accessToken)));
      expect(creates.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(creates.map((r) => outcome(r)[1]).sort()).toEqual([...Array(9).fill('NAME_TAKEN'), 'OK']);
      expect(await must(a, MY_WISHLISTS, {}, 'myWishlists', fran.accessToken)).toHaveLength(1);
    });

    it('(c3) a role granted or revoked on A applies on B’s next request, for a JWT, an API token and B’s sockets', async () => {
      const boss = await signUp(a, 'boss');
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query(`update users set role = 'ADMIN' where id = $1`, [boss.user.id]);
      } finally {
        await client.end();
      }
      const admin = (await must(a, LOGIN, { input: { username: 'boss', password: PASSWORD } }, 'login')).accessToken;
      await must(a, `mutation { createRole(name: "AUDITOR", permissions: ["audit:read"]) { name } }`, {}, 'createRole', admin);
      const gil = await signUp(b, 'gil');
      const AUDIT_PAGE = `{ auditEvents(first: 1) { totalCount } }`;
      const ROLE = (op: string) => `mutation ($userId: ID!) { ${op}(userId: $userId, role: "AUDITOR") { id } }`;
      expect((await gql(b, AUDIT_PAGE, {}, gil.accessToken)).status).toBe(403);

      await must(a, ROLE('grantRole'), { userId: gil.user.id }, 'grantRole', admin);
      expect((await gql(b, AUDIT_PAGE, {}, gil.accessToken)).status).toBe(200);
      const created = await must(b, `mutation { createApiToken(name: "ci", scopes: ["audit:read"], expiresInDays: 7) { token } }`, {}, 'createApiToken', gil.accessToken);
      expect((await gql(a, AUDIT_PAGE, {}, created.token)).status).toBe(200);
      const socket = new RawSocket(`${b.root.replace(/^http/, 'ws')}/graphql`);
      expect(await socket.init({ authorization: `Bearer ${created.token}` })).toBe('ack');

      await must(a, ROLE('revokeRole'), { userId: gil.user.id }, 'revokeRole', admin);
      for (const token of [gil.accessToken, created.token]) {
        const res = await gql(b, AUDIT_PAGE, {}, token);
        expect(res.status).toBe(403);
        expect(error(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE', missing: 'audit:read' });
      }
      // A's NOTIFY reaches B, which re-checks the socket and finds the permission gone.
      expect(await socket.closed).toEqual({ code: 4403, reason: 'PERMISSIONS_CHANGED' });
    });

    // Last on this pair: it locks 127.0.0.1 out of login for RATE_LOGIN_IP_BLOCK.
    it('(d) counts failed logins on A and B against one shared limit', async () => {
      await signUp(b, 'dave');
      for (const instance of [a, a, a, b, b, b]) {
        const res = await signIn(instance, 'dave', 'wrong horse battery staple');
        expect([res.status, error(res).code]).toEqual([200, 'BAD_CREDENTIALS']);
      }
      for (const instance of [a, b]) {
        const res = await signIn(instance, 'dave'); // even the right password
        expect(res.status).toBe(429);
        expect(error(res).code).toBe('RATE_LIMITED');
        expect(error(res).retryAfter).toBeGreaterThan(60);
      }
    });
  });

  describe('with the default grace window', () => {
    let c: Instance;
    let d: Instance;
    beforeAll(async () => {
      c = await start(db.url);
      d = await start(db.url);
    });
    afterAll(async () => {
      await Promise.all([c, d].filter(Boolean).map(stop));
    });

    it('(e) 20 concurrent refreshes of one token across both instances mint exactly one successor', async () => {
      const erin = await signUp(c, 'erin'); // register, not login: (d) has locked this address out of login
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => gql(i % 2 ? d : c, REFRESH, { token: erin.refreshToken })),
      );
      const summary = results.map((r) => [r.status, r.body.errors?.[0]?.extensions?.code ?? 'OK']);
      expect(summary).toEqual(Array.from({ length: 20 }, () => [200, 'OK']));
      const pairs = results.map((r) => r.body.data.refreshToken);
      expect(new Set(pairs.map((p: any) => p.refreshToken)).size).toBe(1);
      expect(new Set(pairs.map((p: any) => p.accessToken)).size).toBe(1);
      expect(pairs[0].refreshToken).not.toBe(erin.refreshToken);
      expect(pairs.every((p: any) => p.sessionId === erin.sessionId)).toBe(true);

      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const count = async (sql: string) => Number((await client.query(sql, [erin.sessionId])).rows[0].count);
        expect(await count('select count(*) from refresh_tokens where session_id = $1 and used_at is null')).toBe(1);
        expect(await count('select count(*) from refresh_tokens where session_id = $1')).toBe(2);
      } finally {
        await client.end();
      }
      // The one successor is live on either instance.
      const next = await must(d, REFRESH, { token: pairs[0].refreshToken }, 'refreshToken');
      expect((await gql(c, ME, {}, next.accessToken)).body.data?.me.id).toBe(erin.user.id);
    });
  });

  // PostgreSQL LISTEN/NOTIFY carries the events without Redis; with REDIS_URL, Redis pub/sub does.
  const buses: Array<[string, Record<string, string>]> = [['PostgreSQL LISTEN/NOTIFY', {}]];
  if (process.env.TEST_REDIS_URL) buses.push(['Redis pub/sub', { REDIS_URL: process.env.TEST_REDIS_URL }]);
  describe.each(buses)('live updates across instances through %s', (_bus, busEnv) => {
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      // A prefix of their own: the channel (and Redis counters) are not shared with other runs.
      const env = { ...busEnv, RATE_LIMIT_PREFIX: `mi${Date.now().toString(36)}` };
      a = await start(db.url, env);
      b = await start(db.url, env);
    });
    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map(stop));
    });
    const socketOn = async (i: Instance, accessToken: string) => {
      const s = new RawSocket(i.root.replace(/^http/, 'ws') + '/graphql');
      expect(await s.init({ accessToken })).toBe('ack');
      s.subscribe('cart', `subscription { cartChanged { itemCount } }`);
      await sleep(100);
      return s;
    };

    it('(f) addToCart on A delivers cartChanged on B', async () => {
      const user = await signUp(a, `live_cart_${busEnv.REDIS_URL ? 'r' : 'p'}`);
      const s = await socketOn(b, user.accessToken);
      const productId = (await must(a, PRODUCTS, {}, 'products')).edges[0].node.id;
      await must(a, ADD_TO_CART, { productId }, 'addToCart', user.accessToken);
      const next = await s.next((m) => m.id === 'cart' && m.type === 'next');
      expect(next.payload.data.cartChanged.itemCount).toBe(1);
      s.close();
    });

    it('(g) logoutAll on A closes the socket held by B within a second', async () => {
      const user = await signUp(a, `live_out_${busEnv.REDIS_URL ? 'r' : 'p'}`);
      const s = await socketOn(b, user.accessToken);
      const t0 = Date.now();
      await must(a, LOGOUT_ALL, {}, 'logoutAll', user.accessToken);
      const closed = await Promise.race([s.closed, sleep(3000).then(() => ({ code: 0, reason: 'still open' }))]);
      expect(closed).toEqual({ code: 4403, reason: 'TOKEN_REVOKED' });
      expect(Date.now() - t0).toBeLessThan(1000);
    });

    it('(h) a failed sign-in on A reaches an auditEventAdded subscription on B within 2 s', async () => {
      const tag = busEnv.REDIS_URL ? 'r' : 'p';
      const boss = await signUp(a, `live_boss_${tag}`);
      const target = await signUp(a, `live_target_${tag}`);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query(`update users set role = 'ADMIN' where id = $1`, [boss.user.id]);
      } finally {
        await client.end();
      }
      const admin = (await must(b, LOGIN, { input: { username: `live_boss_${tag}`, password: PASSWORD } }, 'login')).accessToken;
      const s = new RawSocket(b.root.replace(/^http/, 'ws') + '/graphql');
      expect(await s.init({ accessToken: admin })).toBe('ack');
      s.subscribe('tail', `subscription ($f: AuditFilter) { auditEventAdded(filter: $f) { type userId outcome } }`, { f: { userId: target.user.id, outcome: 'FAILURE' } });
      await sleep(100);
      const t0 = Date.now();
      expect(error(await signIn(a, `live_target_${tag}`, 'wrong horse battery staple')).code).toBe('BAD_CREDENTIALS');
      const next = await s.next((m) => m.id === 'tail' && m.type === 'next', 2000);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(next.payload.data.auditEventAdded).toEqual({ type: 'LOGIN_FAILED', userId: target.user.id, outcome: 'FAILURE' });
      s.close();
    });
  });

  // DPoP's replay cache: the dpop_proofs table without Redis, SET NX PX with REDIS_URL.
  const replayStores: Array<[string, Record<string, string>]> = [['the database', {}]];
  if (process.env.TEST_REDIS_URL) replayStores.push(['Redis', { REDIS_URL: process.env.TEST_REDIS_URL }]);
  describe.each(replayStores)('DPoP proofs across instances through %s', (_store, storeEnv) => {
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      a = await start(db.url, { PUBLIC_URL: DPOP_PUBLIC_URL, ...storeEnv });
      b = await start(db.url, { PUBLIC_URL: DPOP_PUBLIC_URL, ...storeEnv });
    });
    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map(stop));
    });

    it('(h) a proof used on A is a replay on B; a bound refresh token without a proof is refused on B and the session lives on', async () => {
      const key = await dpopClient();
      const name = `dpop_${storeEnv.REDIS_URL ? 'r' : 'p'}`;
      const session = (await gqlWith(`${a.root}/graphql`, REGISTER, { input: { username: name, password: PASSWORD } }, { dpop: await key.proof() })).body.data.register;
      const { accessToken, refreshToken } = session;
      const proof = await key.proof('POST', { accessToken });
      const headers = { authorization: `DPoP ${accessToken}`, dpop: proof };
      expect((await gqlWith(`${a.root}/graphql`, ME, undefined, headers)).body.data?.me.username).toBe(name);
      expect(error(await gqlWith(`${b.root}/graphql`, ME, undefined, headers)).reason).toBe('DPOP_PROOF_REPLAYED');
      expect(error(await gql(b, REFRESH, { token: refreshToken })).reason).toBe('DPOP_REQUIRED');
      const rotated = await gqlWith(`${a.root}/graphql`, REFRESH, { token: refreshToken }, { dpop: await key.proof() });
      expect(rotated.body.data?.refreshToken.accessToken).toBeTruthy();
    });
  });

  it('lets two instances of a new release start at once and apply its pending migration', async () => {
    const fresh = await freshDatabase();
    const admin = new Client({ connectionString: fresh.url });
    const pair: Instance[] = [];
    try {
      await (await initORM(loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET, DATABASE_URL: fresh.url }).database)).close();
      await admin.connect();
      // Back to the previous release: the audit migration is pending again.
      const undone = await admin.query(`delete from mikro_orm_migrations where name like 'Migration20261124010000%'`);
      expect(undone.rowCount).toBe(1);
      await admin.query('drop table audit_events');
      // Hold both instances at the migrations table, then let them go together: a deterministic race.
      await admin.query('begin');
      await admin.query('lock table mikro_orm_migrations in access exclusive mode');
      pair.push(await spawnInstance(fresh.url), await spawnInstance(fresh.url));
      // pg_locks, not pg_stat_activity: the latter is a snapshot for the rest of this transaction.
      const waiting = `select count(*) from pg_locks where not granted and database = (select oid from pg_database where datname = current_database())`;
      // Release once both wait, or 2 s after the first does (a fix may poll a lock instead of queueing; statement_timeout is 5 s).
      let firstWait = Infinity;
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && pair.every((i) => i.child.exitCode === null); await sleep(50)) {
        const n = Number((await admin.query(waiting)).rows[0].count);
        if (n >= 1) firstWait = Math.min(firstWait, Date.now());
        if (n >= 2 || Date.now() - firstWait > 2000) break;
      }
      await admin.query('commit');
      const outcome = await Promise.allSettled(pair.map((i) => waitReady(i)));
      expect(outcome.map((o) => (o.status === 'fulfilled' ? 'ready' : String(o.reason).split('\n').slice(0, 2).join(' ')))).toEqual(['ready', 'ready']);
      const applied = await admin.query(`select count(*) from mikro_orm_migrations where name like 'Migration20261124010000%'`);
      expect(Number(applied.rows[0].count)).toBe(1);
    } finally {
      await Promise.all(pair.map(stop));
      await admin.end().catch(() => undefined);
      await fresh.drop();
    }
  });
});
