import { createHmac, createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thumbprint } from '../../../src/modules/auth/keys';
import { createTestServer, register, TEST_SECRET, type TestServer } from '../../helpers/server';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));

/** Compact JWS with any header: HS256 with a Buffer/string secret, ES256/RS256 with a private KeyObject; '' signs nothing. */
function forge(header: Record<string, unknown>, payload: object, key: Buffer | string | KeyObject | null): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (key === null) return `${input}.`;
  let sig: Buffer;
  if (typeof key === 'string' || Buffer.isBuffer(key)) sig = createHmac('sha256', key).update(input).digest();
  else if (key.asymmetricKeyType === 'ec') sig = cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else sig = cryptoSign('sha256', Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

const ME = '{ me { id } }';

async function expectInvalid(server: TestServer, token: string) {
  const res = await server.gql(ME, undefined, { token });
  expect({ status: res.status, code: res.body.errors?.[0]?.extensions?.code, reason: res.body.errors?.[0]?.extensions?.reason, data: res.body.data ?? null })
    .toEqual({ status: 401, code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID', data: null });
}

async function expectAccepted(server: TestServer, token: string, userId: string) {
  const res = await server.gql(ME, undefined, { token });
  expect(res.status).toBe(200);
  expect(res.body.data?.me?.id).toBe(userId);
}

const keyDir = mkdtempSync(join(tmpdir(), 'tokengate-forged-'));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

/** Writes a fresh key pair as PEM files; returns the paths and the public PEM text. */
function writePair(name: string, type: 'ec' | 'rsa') {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateFile = join(keyDir, `${name}.private.pem`);
  const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  writeFileSync(privateFile, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(join(keyDir, `${name}.public.pem`), publicPem);
  return { privateFile, publicPem, kid: thumbprint(pair.publicKey.export({ format: 'jwk' })) };
}

describe('forged access tokens (HS256 server)', () => {
  let server: TestServer;
  let token: string;
  let userId: string;
  let kid: string;
  let claims: Record<string, unknown>;
  let jkuTarget: http.Server;
  let jkuHits = 0;
  let jkuUrl: string;

  beforeAll(async () => {
    server = await createTestServer();
    const payload = await register(server, 'alice');
    token = payload.accessToken;
    userId = payload.user.id;
    kid = part(token, 0).kid;
    claims = part(token, 1);
    jkuTarget = http.createServer((_req, res) => {
      jkuHits++;
      res.setHeader('content-type', 'application/json').end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => jkuTarget.listen(0, '127.0.0.1', resolve));
    jkuUrl = `http://127.0.0.1:${(jkuTarget.address() as AddressInfo).port}/jwks`;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((resolve) => jkuTarget.close(() => resolve()));
  });

  const header = (over: Record<string, unknown> = {}) => ({ alg: 'HS256', typ: 'at+jwt', kid, ...over });

  it('accepts the token the server issued, and the same claims re-signed with the server secret (control)', async () => {
    expect(kid).toBe(server.config.jwt.keys.signing.kid);
    await expectAccepted(server, token, userId);
    await expectAccepted(server, forge(header(), claims, TEST_SECRET), userId);
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s with the right kid, valid claims and an empty signature', async (alg) => {
    await expectInvalid(server, forge(header({ alg }), claims, null));
  });

  it('refuses the issued token with its signature removed', async () => {
    const [h, p] = token.split('.');
    await expectInvalid(server, `${h}.${p}.`);
    await expectInvalid(server, `${h}.${p}`);
  });

  it('refuses extra segments and a JWE-shaped token', async () => {
    await expectInvalid(server, `${token}.extra`);
    await expectInvalid(server, `${token.split('.')[0]}..${token.split('.')[1]}..${token.split('.')[2]}`);
  });

  it('refuses a signature made with a different secret', async () => {
    await expectInvalid(server, forge(header(), claims, 'another-secret-that-is-also-32-bytes-or-more'));
  });

  it("refuses an embedded jwk header: the attacker's own key, signed by it", async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    const alg = 'ES256';
    await expectInvalid(server, forge({ alg, typ: 'at+jwt', kid: thumbprint(jwk), jwk }, claims, attacker.privateKey));
    await expectInvalid(server, forge({ alg, typ: 'at+jwt', kid, jwk }, claims, attacker.privateKey));
    // Even a genuine signature is refused once the header tries to name its own key.
    await expectInvalid(server, forge(header({ jwk }), claims, TEST_SECRET));
  });

  it('refuses a jku header without fetching it', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const attackerKid = thumbprint(attacker.publicKey.export({ format: 'jwk' }));
    for (const jku of ['http://127.0.0.1:1/jwks', jkuUrl]) {
      await expectInvalid(server, forge({ alg: 'ES256', typ: 'at+jwt', kid: attackerKid, jku }, claims, attacker.privateKey));
      await expectInvalid(server, forge(header({ jku }), claims, TEST_SECRET));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(jkuHits).toBe(0);
  });

  it('refuses x5u and x5c headers', async () => {
    await expectInvalid(server, forge(header({ x5u: jkuUrl }), claims, TEST_SECRET));
    await expectInvalid(server, forge(header({ x5c: ['MIIB'] }), claims, TEST_SECRET));
    expect(jkuHits).toBe(0);
  });

  it("refuses crit: ['exp'], even with a valid signature", async () => {
    await expectInvalid(server, forge(header({ crit: ['exp'] }), claims, TEST_SECRET));
  });

  it('refuses an unknown kid with a valid signature by its own key', async () => {
    const other = Buffer.from('some-other-hmac-key-of-at-least-32-bytes!!');
    const otherKid = thumbprint({ kty: 'oct', k: other.toString('base64url') });
    await expectInvalid(server, forge(header({ kid: otherKid }), claims, other));
  });

  it.each([['path traversal', '../../../../dev/null'], ['SQL-ish', "' OR 1=1 --"], ['empty', ''], ['non-string', 42], ['__proto__', '__proto__'], ['constructor', 'constructor']])(
    'refuses a %s kid, even signed with the server secret',
    async (_name, badKid) => {
      await expectInvalid(server, forge(header({ kid: badKid }), claims, TEST_SECRET));
      // and signed with an empty key / the bytes of /dev/null
      await expectInvalid(server, forge(header({ kid: badKid }), claims, Buffer.alloc(0)));
    },
  );

  it('refuses a token without kid, even with a valid signature', async () => {
    const { kid: _kid, ...noKid } = header();
    await expectInvalid(server, forge(noKid, claims, TEST_SECRET));
  });
});

describe.each([
  ['ES256', 'ec'],
  ['RS256', 'rsa'],
] as const)('forged access tokens (%s server)', (alg, type) => {
  let server: TestServer;
  let keys: ReturnType<typeof writePair>;
  let token: string;
  let userId: string;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    keys = writePair(`server-${alg}`, type);
    server = await createTestServer({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY_FILE: keys.privateFile });
    const payload = await register(server, 'alice');
    token = payload.accessToken;
    userId = payload.user.id;
    claims = part(token, 1);
  });
  afterAll(() => server.close());

  it('issues tokens with its alg and key thumbprint, and accepts them (control)', async () => {
    expect(part(token, 0)).toEqual({ alg, typ: 'at+jwt', kid: keys.kid });
    await expectAccepted(server, token, userId);
    const resigned = forge({ alg, typ: 'at+jwt', kid: keys.kid }, claims, createPrivateKey(readFileSync(keys.privateFile)));
    await expectAccepted(server, resigned, userId);
  });

  it('refuses HS256 signed with the public key PEM as the HMAC secret (algorithm confusion)', async () => {
    const h = { alg: 'HS256', typ: 'at+jwt', kid: keys.kid };
    await expectInvalid(server, forge(h, claims, keys.publicPem));
    await expectInvalid(server, forge(h, claims, keys.publicPem.trim()));
    // JWT_SECRET still exists (it seals grace pairs) but is no signing key here, under its own HS256 kid either.
    const secretKid = thumbprint({ kty: 'oct', k: Buffer.from(TEST_SECRET).toString('base64url') });
    await expectInvalid(server, forge({ ...h, kid: secretKid }, claims, TEST_SECRET));
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s with the right kid', async (none) => {
    await expectInvalid(server, forge({ alg: none, typ: 'at+jwt', kid: keys.kid }, claims, null));
  });

  it('refuses the right alg and kid signed by an attacker key of the same type', async () => {
    const attacker = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectInvalid(server, forge({ alg, typ: 'at+jwt', kid: keys.kid }, claims, attacker.privateKey));
    await expectInvalid(server, forge({ alg, typ: 'at+jwt', kid: keys.kid, jwk: attacker.publicKey.export({ format: 'jwk' }) }, claims, attacker.privateKey));
  });
});
