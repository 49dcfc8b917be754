import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { thumbprint } from '../../../src/modules/auth/keys';
import { freshDatabase } from '../../helpers/database';
import { createTestServer, login, ME, register, TEST_SECRET, type TestServer } from '../../helpers/server';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tokengate-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));

type PairOptions = { type: 'ec'; curve?: string } | { type: 'rsa'; bits?: number };
/** Writes a key pair as PEM files in the temp folder; returns the paths and the public key's thumbprint. */
function writePair(name: string, opts: PairOptions) {
  const pair = opts.type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: opts.curve ?? 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 2048 });
  const priv = join(dir, `${name}.private.pem`);
  const pub = join(dir, `${name}.public.pem`);
  writeFileSync(priv, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(pub, pair.publicKey.export({ format: 'pem', type: 'spki' }));
  return { priv, pub, kid: thumbprint(pair.publicKey.export({ format: 'jwk' })), privateJwk: pair.privateKey.export({ format: 'jwk' }) };
}

const baseEnv = { NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATA_DIR: '/nonexistent-data-dir', DATABASE_URL: 'sqlite::memory:' };

describe('thumbprint (RFC 7638)', () => {
  const RFC_KEY: JsonWebKey = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };

  it("matches the RFC's §3.1 example, ignoring non-required members and their order", () => {
    expect(thumbprint(RFC_KEY)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(thumbprint({ e: RFC_KEY.e, n: RFC_KEY.n, kty: 'RSA', use: 'sig' })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('gives a private key and its public half the same thumbprint, and refuses unknown key types', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(thumbprint(privateKey.export({ format: 'jwk' }))).toBe(thumbprint(publicKey.export({ format: 'jwk' })));
    expect(() => thumbprint({ kty: 'OKP', crv: 'Ed25519', x: 'abc' })).toThrow(TypeError);
  });
});

describe('key rotation over HTTP', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await createTestServer({ DATABASE_URL: db.url, JWT_ALGORITHM: 'ES256', ...env });
    servers.push(server);
    return server;
  };
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await db.drop();
  });

  it('keeps old tokens valid while the old public key is listed, and refuses them once it is not', async () => {
    const key1 = writePair('rot1', { type: 'ec' });
    const key2 = writePair('rot2', { type: 'ec' });

    const a = await start({ JWT_PRIVATE_KEY_FILE: key1.priv });
    const first = await register(a, 'alice');
    expect(headerOf(first.accessToken).kid).toBe(key1.kid);
    await a.close();
    servers.pop();

    const b = await start({ JWT_PRIVATE_KEY_FILE: key2.priv, JWT_VERIFY_KEY_FILES: key1.pub });
    const old = await b.gql(ME, undefined, { token: first.accessToken });
    expect(old.status).toBe(200);
    expect(old.body.data.me.id).toBe(first.user.id);
    const second = await login(b, 'alice');
    expect(headerOf(second.accessToken)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: key2.kid });
    const jwks = (await (await b.http('/.well-known/jwks.json')).json()) as { keys: JsonWebKey[] };
    expect(jwks.keys.map((k: JsonWebKey) => k.kid).sort()).toEqual([key1.kid, key2.kid].sort());
    await b.close();
    servers.pop();

    const c = await start({ JWT_PRIVATE_KEY_FILE: key2.priv });
    const refused = await c.gql(ME, undefined, { token: first.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    const current = await c.gql(ME, undefined, { token: second.accessToken });
    expect(current.body.data?.me?.id).toBe(first.user.id);
  });

  it('can move from RS256 to ES256: the old RSA public key verifies its own RS256 tokens', async () => {
    const rsa = writePair('mig-rsa', { type: 'rsa' });
    const ec = writePair('mig-ec', { type: 'ec' });
    const a = await start({ JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: rsa.priv });
    const old = await register(a, 'bob');
    const b = await start({ JWT_PRIVATE_KEY_FILE: ec.priv, JWT_VERIFY_KEY_FILES: ` ${rsa.pub} , ` });
    const res = await b.gql(ME, undefined, { token: old.accessToken });
    expect(res.body.data?.me?.id).toBe(old.user.id);
  });
});

describe('/.well-known/jwks.json', () => {
  const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

  it.each([
    ['ES256', { type: 'ec' } as PairOptions, ['crv', 'x', 'y']],
    ['RS256', { type: 'rsa' } as PairOptions, ['n', 'e']],
  ])('serves the %s public key with kid, alg, use and caching, and nothing private', async (alg, opts, members) => {
    const key = writePair(`jwks-${alg}`, opts);
    const server = await createTestServer({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY_FILE: key.priv });
    try {
      const res = await server.http('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const text = await res.text();
      const { keys } = JSON.parse(text);
      expect(keys).toHaveLength(1);
      const [jwk] = keys;
      expect(jwk).toMatchObject({ kty: alg === 'ES256' ? 'EC' : 'RSA', kid: key.kid, alg, use: 'sig' });
      for (const m of members) expect(typeof jwk[m]).toBe('string');
      for (const m of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(m);
      expect(thumbprint(jwk)).toBe(key.kid);
      expect(text).not.toContain(key.privateJwk.d!);
      // The published key is the one that verifies the server's tokens.
      const token = (await register(server, 'carol')).accessToken;
      expect(headerOf(token).kid).toBe(jwk.kid);
      expect(createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' })).toEqual(createPublicKey(readFileSync(key.pub)).export({ format: 'jwk' }));
    } finally {
      await server.close();
    }
  });

  it('is a 404 with HS256, and never reveals the secret', async () => {
    const server = await createTestServer();
    try {
      const res = await server.http('/.well-known/jwks.json');
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(JSON.parse(text).errors[0].extensions.code).toBe('NOT_FOUND');
      expect(text).not.toContain(TEST_SECRET);
      expect(text).not.toContain(Buffer.from(TEST_SECRET).toString('base64url'));
      expect(text).not.toContain(Buffer.from(TEST_SECRET).toString('base64'));
    } finally {
      await server.close();
    }
  });
});

describe('key configuration errors', () => {
  it('requires JWT_PRIVATE_KEY_FILE for RS256 and ES256', () => {
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'RS256' })).toThrow(TypeError);
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: '' })).toThrow(TypeError);
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: join(dir, 'missing.pem') })).toThrow(TypeError);
  });

  it('refuses a key that does not fit JWT_ALGORITHM', () => {
    const ec = writePair('cfg-ec', { type: 'ec' });
    const rsa = writePair('cfg-rsa', { type: 'rsa' });
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: ec.priv })).toThrow(TypeError);
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: rsa.priv })).toThrow(TypeError);
    // control: the right pairing loads
    expect(loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: ec.priv }).jwt.keys.signing.kid).toBe(ec.kid);
  });

  it('refuses RSA keys under 2048 bits and curves other than P-256, as signer or verifier', () => {
    const weak = writePair('cfg-rsa1024', { type: 'rsa', bits: 1024 });
    const p384 = writePair('cfg-p384', { type: 'ec', curve: 'P-384' });
    const good = writePair('cfg-good', { type: 'ec' });
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: weak.priv })).toThrow(TypeError);
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: p384.priv })).toThrow(TypeError);
    expect(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: good.priv, JWT_VERIFY_KEY_FILES: weak.pub })).toThrow(TypeError);
  });
});

describe('unusable key files', () => {
  // loadConfig promises a TypeError that names the variable and says what to do; OpenSSL's decoder errors do neither.
  const names = (variable: string) => (fn: () => unknown) => {
    let error: unknown;
    try {
      fn();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(variable);
  };

  it('refuses a public key, garbage or an encrypted key as JWT_PRIVATE_KEY_FILE with a TypeError naming it', () => {
    const pair = writePair('bad-priv', { type: 'ec' });
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a key');
    const encrypted = join(dir, 'encrypted.pem');
    writeFileSync(encrypted, createPrivateKey(readFileSync(pair.priv)).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }));
    for (const file of [pair.pub, garbage, encrypted]) {
      names('JWT_PRIVATE_KEY_FILE')(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: file }));
    }
  });

  it('refuses garbage in JWT_VERIFY_KEY_FILES with a TypeError naming it', () => {
    const pair = writePair('bad-verify', { type: 'ec' });
    const garbage = join(dir, 'garbage-verify.pem');
    writeFileSync(garbage, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
    names('JWT_VERIFY_KEY_FILES')(() => loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: pair.priv, JWT_VERIFY_KEY_FILES: garbage }));
  });

  it('publishes only the public half of a private key listed in JWT_VERIFY_KEY_FILES', () => {
    const signer = writePair('listed-signer', { type: 'ec' });
    const old = writePair('listed-old', { type: 'rsa' });
    const jwks = loadConfig({ ...baseEnv, JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: signer.priv, JWT_VERIFY_KEY_FILES: old.priv }).jwt.keys.jwks;
    expect(jwks.map((k) => k.kid).sort()).toEqual([signer.kid, old.kid].sort());
    for (const k of jwks) for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(m);
  });
});

// tsx/cjs, not --import tsx: Node 20's off-thread ESM hooks can deadlock a child under load; the timeout turns any hang into a failure.
describe('keygen CLI', () => {
  it('writes a 0600 private PEM that a server signs with', async () => {
    const out = join(dir, 'keygen-out');
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/cli/keygen.ts', '--alg', 'ES256', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    const privFile = join(out, files.find((f) => f.endsWith('.private.pem'))!);
    const pubFile = join(out, files.find((f) => f.endsWith('.public.pem'))!);
    expect(statSync(privFile).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o077).toBe(0);
    const kid = thumbprint(createPublicKey(readFileSync(pubFile)).export({ format: 'jwk' }));
    expect(thumbprint(createPrivateKey(readFileSync(privFile)).export({ format: 'jwk' }))).toBe(kid);
    expect(run.stdout).toContain(`kid ${kid}`);
    expect(run.stdout).toContain(`JWT_PRIVATE_KEY_FILE=${privFile}`);

    const server = await createTestServer({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: privFile });
    try {
      const payload = await register(server, 'dave');
      expect(headerOf(payload.accessToken)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
      const me = await server.gql(ME, undefined, { token: payload.accessToken });
      expect(me.body.data?.me?.id).toBe(payload.user.id);
    } finally {
      await server.close();
    }
  });

  it('refuses an unknown --alg with a usage exit code and writes nothing', () => {
    const out = join(dir, 'keygen-bad');
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/cli/keygen.ts', '--alg', 'HS256', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(64);
    expect(() => readdirSync(out)).toThrow();
  });
});
