import { generateKeyPairSync, randomUUID, sign, type KeyPairKeyObjectResult } from 'node:crypto';
import { accessTokenHash } from '../../../src/modules/dpop/dpop.proof';
import { createTestServer, firstError, LOGIN, ME, REFRESH, REGISTER, type TestServer } from '../../helpers/server';
import { COMPLETE, enrolTotp, totpAt } from '../../helpers/mfa';
import { dpopClient, gqlWith, HTU, jose, jwtPayload, PUBLIC_URL, RunningClock, type DpopClient } from '../../helpers/dpop';

const PASSWORD = 'correct horse battery';
const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const HAND_KEYS = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 1024 }),
} as const;
const HASHES: Record<string, string | null> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', EdDSA: null, RS256: 'sha256' };

/** A proof signed by hand with node:crypto, for algorithms and headers the `dpop` package and jose will not produce. */
function handProof(keys: KeyPairKeyObjectResult, alg: string, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${enc({ alg, typ: 'dpop+jwt', jwk: keys.publicKey.export({ format: 'jwk' }), ...header })}.${enc({ jti: randomUUID(), htm: 'POST', htu: HTU, iat: Math.floor(Date.now() / 1000), ...claims })}`;
  return `${input}.${sign(HASHES[alg], Buffer.from(input), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
const reason = (res: { body: any }) => firstError(res as any).reason;

describe('DPoP over HTTP (RFC 9449)', () => {
  let server: TestServer;
  let client: DpopClient;
  beforeAll(async () => {
    server = await createTestServer({ PUBLIC_URL }, new RunningClock());
    client = await dpopClient();
  });
  afterAll(() => server.close());

  /** Signs up with a proof: the pair is bound to `as`'s key. */
  async function boundSession(username: string, as = client) {
    const res = await gqlWith(server.url, REGISTER, { input: { username, password: PASSWORD } }, { dpop: await as.proof() });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.register;
  }
  const me = async (token: string, proof: string, scheme = 'DPoP') => gqlWith(server.url, ME, undefined, { authorization: `${scheme} ${token}`, dpop: proof });

  it('binds register, login and refresh to the proof key (cnf.jkt, tokenType DPoP) and the bound token works with a proof', async () => {
    const session = await boundSession('dora');
    expect(session.tokenType).toBe('DPoP');
    expect(jwtPayload(session.accessToken).cnf).toEqual({ jkt: client.jkt });
    const logged = (await gqlWith(server.url, LOGIN, { input: { username: 'dora', password: PASSWORD } }, { dpop: await client.proof() })).body.data.login;
    expect(logged.tokenType).toBe('DPoP');
    const refreshed = await gqlWith(server.url, REFRESH, { token: logged.refreshToken }, { dpop: await client.proof() });
    expect(jwtPayload(refreshed.body.data.refreshToken.accessToken).cnf).toEqual({ jkt: client.jkt });
    const res = await me(refreshed.body.data.refreshToken.accessToken, await client.proof('POST', { accessToken: refreshed.body.data.refreshToken.accessToken }));
    expect(res.body.data.me.username).toBe('dora');
  });

  it('issues bearer tokens as before when no proof is sent', async () => {
    const res = await server.gql(REGISTER, { input: { username: 'bea', password: PASSWORD } });
    expect(res.body.data.register.tokenType).toBe('Bearer');
    expect(jwtPayload(res.body.data.register.accessToken).cnf).toBeUndefined();
  });

  describe('every claim and header of the proof, wrong in turn', () => {
    let token: string;
    beforeAll(async () => void (token = (await boundSession('eve')).accessToken));

    const cases: Array<[string, (c: DpopClient, t: string) => Promise<string>]> = [
      ['typ is JWT', (c, t) => c.forge({ accessToken: t, header: { typ: 'JWT' } })],
      ['htm is GET on a POST', (c, t) => c.forge({ accessToken: t, claims: { htm: 'GET' } })],
      ['htu names another host', (c, t) => c.forge({ accessToken: t, claims: { htu: 'https://evil.example/graphql' } })],
      ['htu names another path', (c, t) => c.forge({ accessToken: t, claims: { htu: `${PUBLIC_URL}/other` } })],
      ['iat is too old', (c, t) => c.forge({ accessToken: t, claims: { iat: Math.floor(Date.now() / 1000) - 60 - 30 - 5 } })],
      ['iat is in the future', (c, t) => c.forge({ accessToken: t, claims: { iat: Math.floor(Date.now() / 1000) + 30 + 5 } })],
      ['iat is missing', (c, t) => c.forge({ accessToken: t, drop: ['iat'] })],
      ['jti is missing', (c, t) => c.forge({ accessToken: t, drop: ['jti'] })],
      ['ath is missing', (c) => c.forge()],
      ['ath is of another token', (c) => c.forge({ accessToken: 'another.access.token' })],
      ['the signature is by another key than jwk', async (c, t) => c.forge({ accessToken: t, signWith: (await jose.generateKeyPair('ES256')).privateKey })],
      ['jwk is a private key', async (c, t) => c.forge({ accessToken: t, header: { jwk: await jose.exportJWK((await jose.generateKeyPair('ES256', { extractable: true })).privateKey) } })],
      ['alg is HS256 with an oct jwk', async (_c, t) => {
        const secret = new Uint8Array(32).fill(7);
        return new jose.SignJWT({ jti: 'x', htm: 'POST', htu: HTU, iat: Math.floor(Date.now() / 1000), ath: t })
          .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } } as any)
          .sign(secret);
      }],
      ['alg is none', async (_c, t) => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'dpop+jwt', jwk: (await jose.exportJWK((await jose.generateKeyPair('ES256')).publicKey)) })}.${enc({ jti: 'n', htm: 'POST', htu: HTU, iat: Math.floor(Date.now() / 1000), ath: t })}.`;
      }],
      ['the proof is not a JWT', async () => 'not-a-jwt'],
      ['alg ES256 over a P-384 key (the key does not fit the alg)', async (_c, t) => handProof(HAND_KEYS.ES384(), 'ES256', { ath: accessTokenHash(t) })],
      ['alg ES384 over a P-256 key', async (_c, t) => handProof(HAND_KEYS.ES256(), 'ES384', { ath: accessTokenHash(t) })],
      ['alg RS256 over an EC key', async (_c, t) => handProof(HAND_KEYS.ES256(), 'RS256', { ath: accessTokenHash(t) })],
      ['an RSA key of 1024 bits', async (_c, t) => handProof(HAND_KEYS.RS256(), 'RS256', { ath: accessTokenHash(t) })],
      ['a critical header extension', async (_c, t) => handProof(HAND_KEYS.ES256(), 'ES256', { ath: accessTokenHash(t) }, { crit: ['exp'], exp: 1 })],
      ['exp in the past', (c, t) => c.forge({ accessToken: t, claims: { exp: Math.floor(Date.now() / 1000) - 120 } })],
      ['the payload tampered after signing', async (c, t) => {
        const [h, , sig] = (await c.forge({ accessToken: t })).split('.');
        const payload = Buffer.from(JSON.stringify({ jti: 'tampered', htm: 'POST', htu: HTU, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(t) })).toString('base64url');
        return `${h}.${payload}.${sig}`;
      }],
    ];
    it.each(cases)('%s: 401 DPOP_PROOF_INVALID with a DPoP challenge', async (_name, make) => {
      const res = await me(token, await make(client, token));
      expect(res.status).toBe(401);
      expect(reason(res)).toBe('DPOP_PROOF_INVALID');
      expect(res.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof".*algs="ES256 [^"]*"/);
    });

    it('accepts a proof whose htu carries a query and a fragment', async () => {
      expect((await me(token, await client.forge({ accessToken: token, claims: { htu: `${HTU}?x=1#y` } }))).body.data?.me).toBeTruthy();
    });

    it.each(['RS256', 'PS256', 'Ed25519'] as const)('accepts a %s key', async (alg) => {
      const other = await dpopClient(alg);
      const { accessToken } = await boundSession(`alg-${alg.toLowerCase()}`, other);
      expect((await me(accessToken, await other.proof('POST', { accessToken }))).body.data?.me).toBeTruthy();
    });

    it('refuses a missing proof under the DPoP scheme', async () => {
      const res = await gqlWith(server.url, ME, undefined, { authorization: `DPoP ${token}` });
      expect(res.status).toBe(401);
      expect(reason(res)).toBe('DPOP_PROOF_INVALID');
    });
  });

  it.each(['ES384', 'ES512', 'EdDSA'] as const)('binds and checks proofs signed by hand with %s', async (alg) => {
    const keys = HAND_KEYS[alg]();
    const name = `hand_${alg.toLowerCase()}`;
    const res = await gqlWith(server.url, REGISTER, { input: { username: name, password: PASSWORD } }, { dpop: handProof(keys, alg, {}) });
    const { accessToken } = res.body.data.register;
    expect(jwtPayload(accessToken).cnf.jkt).toEqual(expect.any(String));
    expect((await me(accessToken, handProof(keys, alg, { ath: accessTokenHash(accessToken) }))).body.data?.me.username).toBe(name);
    const [h, p, sig] = handProof(keys, alg, { ath: accessTokenHash(accessToken) }).split('.');
    expect(reason(await me(accessToken, `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`))).toBe('DPOP_PROOF_INVALID');
  });

  it.each(['PS256', 'RS256', 'Ed25519'] as const)('binds and checks proofs signed with %s', async (alg) => {
    const other = await dpopClient(alg);
    const session = await boundSession(`alg_${alg.toLowerCase()}`, other);
    expect(jwtPayload(session.accessToken).cnf).toEqual({ jkt: other.jkt });
    const res = await me(session.accessToken, await other.proof('POST', { accessToken: session.accessToken }));
    expect(res.body.data?.me.username).toBe(`alg_${alg.toLowerCase()}`);
    const [h, p, sig] = (await other.proof('POST', { accessToken: session.accessToken })).split('.');
    const flipped = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    expect(reason(await me(session.accessToken, flipped))).toBe('DPOP_PROOF_INVALID');
  });

  it('refuses a replayed proof', async () => {
    const { accessToken } = await boundSession('rita');
    const proof = await client.proof('POST', { accessToken });
    expect((await me(accessToken, proof)).body.data.me.username).toBe('rita');
    const again = await me(accessToken, proof);
    expect(again.status).toBe(401);
    expect(reason(again)).toBe('DPOP_PROOF_REPLAYED');
    expect(again.headers.get('www-authenticate')).toMatch(/error="invalid_dpop_proof"/);
  });

  it('refuses a valid proof from another key (DPOP_KEY_MISMATCH)', async () => {
    const { accessToken } = await boundSession('kim');
    const other = await dpopClient();
    const res = await me(accessToken, await other.proof('POST', { accessToken }));
    expect(res.status).toBe(401);
    expect(reason(res)).toBe('DPOP_KEY_MISMATCH');
  });

  it('refuses a stolen bound token sent as Bearer, and a bearer token sent as DPoP', async () => {
    const { accessToken } = await boundSession('sam');
    const asBearer = await server.gql(ME, undefined, { token: accessToken });
    expect(asBearer.status).toBe(401);
    expect(reason(asBearer)).toBe('DPOP_REQUIRED');
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
    const bearer = (await server.gql(REGISTER, { input: { username: 'ben', password: PASSWORD } })).body.data.register.accessToken;
    const asDpop = await me(bearer, await client.proof('POST', { accessToken: bearer }));
    expect(asDpop.status).toBe(401);
    expect(reason(asDpop)).toBe('TOKEN_INVALID');
    expect(asDpop.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/);
  });

  it('rotates a bound refresh token only with a proof of its key; refusals leave the session as it was', async () => {
    const { refreshToken, accessToken } = await boundSession('rob');
    const without = await server.gql(REFRESH, { token: refreshToken });
    expect(reason(without)).toBe('DPOP_REQUIRED');
    const other = await dpopClient();
    const withOther = await gqlWith(server.url, REFRESH, { token: refreshToken }, { dpop: await other.proof() });
    expect(reason(withOther)).toBe('DPOP_KEY_MISMATCH');
    // No reuse detection was triggered: the session and its access token still stand, and the owner rotates.
    expect((await me(accessToken, await client.proof('POST', { accessToken }))).body.data.me.username).toBe('rob');
    const owner = await gqlWith(server.url, REFRESH, { token: refreshToken }, { dpop: await client.proof() });
    expect(owner.body.errors).toBeUndefined();
    const next = owner.body.data.refreshToken;
    expect(jwtPayload(next.accessToken).cnf.jkt).toBe(client.jkt);
    // The successor stays bound.
    expect(reason(await server.gql(REFRESH, { token: next.refreshToken }))).toBe('DPOP_REQUIRED');
  });

  it('refuses a logout by a copied bound refresh token without the key; the owner logs out with a proof', async () => {
    const { refreshToken, accessToken } = await boundSession('lou');
    const LOGOUT = `mutation ($token: String) { logout(refreshToken: $token) }`;
    expect(reason(await server.gql(LOGOUT, { token: refreshToken }))).toBe('DPOP_REQUIRED');
    expect(reason(await gqlWith(server.url, LOGOUT, { token: refreshToken }, { dpop: await (await dpopClient()).proof() }))).toBe('DPOP_KEY_MISMATCH');
    expect((await me(accessToken, await client.proof('POST', { accessToken }))).body.data?.me.username).toBe('lou');
    expect((await gqlWith(server.url, LOGOUT, { token: refreshToken }, { dpop: await client.proof() })).body.data?.logout).toBe(true);
    expect(reason(await me(accessToken, await client.proof('POST', { accessToken })))).toBe('TOKEN_REVOKED');
  });

  it('binds an unbound session at its first rotation with a proof', async () => {
    const { refreshToken } = (await server.gql(REGISTER, { input: { username: 'una', password: PASSWORD } })).body.data.register;
    const bound = (await gqlWith(server.url, REFRESH, { token: refreshToken }, { dpop: await client.proof() })).body.data.refreshToken;
    expect(jwtPayload(bound.accessToken).cnf.jkt).toBe(client.jkt);
    expect(reason(await server.gql(REFRESH, { token: bound.refreshToken }))).toBe('DPOP_REQUIRED');
  });

  it('a session bound by a rotation still detects reuse of its older bearer token: a thief binding it gains nothing', async () => {
    const victim = (await server.gql(REGISTER, { input: { username: 'unb2', password: PASSWORD } })).body.data.register;
    const stolen = (await gqlWith(server.url, REFRESH, { token: victim.refreshToken }, { dpop: await client.proof() })).body.data.refreshToken;
    expect(jwtPayload(stolen.accessToken).cnf.jkt).toBe(client.jkt);
    server.clock.advance(11); // past the grace window
    expect(reason(await server.gql(REFRESH, { token: victim.refreshToken }))).toBe('REFRESH_REUSED');
    expect(reason(await gqlWith(server.url, REFRESH, { token: stolen.refreshToken }, { dpop: await client.proof() }))).toBe('TOKEN_REVOKED');
  });

  it('binds the session a second-factor step opens: completeMfaLogin with a proof answers a DPoP pair', async () => {
    const first = (await server.gql(REGISTER, { input: { username: 'mfa_dpop', password: PASSWORD } })).body.data.register;
    const { secret } = await enrolTotp(server, first.accessToken);
    const step = firstError(await server.gql(LOGIN, { input: { username: 'mfa_dpop', password: PASSWORD } }));
    expect(step).toMatchObject({ reason: 'MFA_REQUIRED' });
    const done = (await gqlWith(server.url, COMPLETE.replace('refreshToken', 'refreshToken tokenType'), { t: step.mfaToken, code: totpAt(secret, server.clock.now()) }, { dpop: await client.proof() })).body.data.completeMfaLogin;
    expect(done.tokenType).toBe('DPoP');
    expect(jwtPayload(done.accessToken).cnf.jkt).toBe(client.jkt);
  });

  it('refuses a login whose proof is bad before checking the password', async () => {
    const res = await gqlWith(server.url, LOGIN, { input: { username: 'dora', password: PASSWORD } }, { dpop: await client.forge({ claims: { htm: 'PUT' } }) });
    expect(reason(res)).toBe('DPOP_PROOF_INVALID');
  });

  it('tells a listener every refusal reason (one place for counters)', async () => {
    const heard: string[] = [];
    server.app.services.dpop.onRefusal((r) => heard.push(r));
    const { accessToken, refreshToken } = await boundSession('lia');
    await server.gql(ME, undefined, { token: accessToken });
    await server.gql(REFRESH, { token: refreshToken });
    await me(accessToken, 'junk');
    expect(heard).toEqual(['DPOP_REQUIRED', 'DPOP_REQUIRED', 'DPOP_PROOF_INVALID']);
  });
});

describe('DPOP=required', () => {
  let server: TestServer;
  let client: DpopClient;
  beforeAll(async () => {
    server = await createTestServer({ PUBLIC_URL, DPOP: 'required' }, new RunningClock());
    client = await dpopClient();
  });
  afterAll(() => server.close());

  it('refuses to issue bearer tokens and refuses bearer access tokens; DPoP works', async () => {
    const plain = await server.gql(REGISTER, { input: { username: 'pat', password: PASSWORD } });
    expect(reason(plain)).toBe('DPOP_REQUIRED');
    const session = (await gqlWith(server.url, REGISTER, { input: { username: 'pat', password: PASSWORD } }, { dpop: await client.proof() })).body.data.register;
    const anonymous = await server.gql(ME);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^DPoP /);
    const res = await gqlWith(server.url, ME, undefined, { authorization: `DPoP ${session.accessToken}`, dpop: await client.proof('POST', { accessToken: session.accessToken }) });
    expect(res.body.data.me.username).toBe('pat');
  });

  it('keeps API tokens bearer secrets', async () => {
    const session = (await gqlWith(server.url, REGISTER, { input: { username: 'api', password: PASSWORD } }, { dpop: await client.proof() })).body.data.register;
    const created = await gqlWith(server.url, `mutation { createApiToken(name: "s", scopes: [], expiresInDays: 1) { token } }`, undefined, {
      authorization: `DPoP ${session.accessToken}`,
      dpop: await client.proof('POST', { accessToken: session.accessToken }),
    });
    expect(created.body.errors).toBeUndefined();
    const token = created.body.data.createApiToken.token;
    expect((await server.gql(`{ me { username } }`, undefined, { token })).body.data.me.username).toBe('api');
    expect(reason(await gqlWith(server.url, `{ me { username } }`, undefined, { authorization: `DPoP ${token}`, dpop: await client.proof('POST', { accessToken: token }) }))).toBe('TOKEN_INVALID');
  });
});

describe('DPOP_NONCE=true', () => {
  let server: TestServer;
  let client: DpopClient;
  beforeAll(async () => {
    server = await createTestServer({ PUBLIC_URL, DPOP_NONCE: 'true' }, new RunningClock());
    client = await dpopClient();
  });
  afterAll(() => server.close());

  it('answers use_dpop_nonce with a DPoP-Nonce; the retry with it succeeds, and each response hands out the next nonce', async () => {
    const first = await gqlWith(server.url, REGISTER, { input: { username: 'nia', password: PASSWORD } }, { dpop: await client.proof() });
    expect(first.status).toBe(401);
    expect(reason(first)).toBe('DPOP_NONCE_REQUIRED');
    expect(first.headers.get('www-authenticate')).toMatch(/error="use_dpop_nonce"/);
    const nonce = first.headers.get('dpop-nonce')!;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const retry = await gqlWith(server.url, REGISTER, { input: { username: 'nia', password: PASSWORD } }, { dpop: await client.proof('POST', { nonce }) });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.headers.get('dpop-nonce')).toBeTruthy();
    const { accessToken } = retry.body.data.register;
    const ok = await gqlWith(server.url, ME, undefined, { authorization: `DPoP ${accessToken}`, dpop: await client.proof('POST', { accessToken, nonce }) });
    expect(ok.body.data.me.username).toBe('nia');
  });

  it('refuses a made-up nonce and one from windows long gone', async () => {
    const made = await gqlWith(server.url, LOGIN, { input: { username: 'nia', password: PASSWORD } }, { dpop: await client.proof('POST', { nonce: 'made-up' }) });
    expect(reason(made)).toBe('DPOP_NONCE_REQUIRED');
    const nonce = made.headers.get('dpop-nonce')!;
    server.clock.advance(3 * 60);
    const stale = await gqlWith(server.url, LOGIN, { input: { username: 'nia', password: PASSWORD } }, { dpop: await client.forge({ claims: { nonce, iat: Math.floor(server.clock.now().getTime() / 1000) } }) });
    expect(reason(stale)).toBe('DPOP_NONCE_REQUIRED');
  });
});

describe('DPoP behind a proxy (TRUST_PROXY)', () => {
  let server: TestServer;
  let client: DpopClient;
  beforeAll(async () => {
    server = await createTestServer({ PUBLIC_URL, TRUST_PROXY: 'loopback' }, new RunningClock());
    client = await dpopClient();
  });
  afterAll(() => server.close());

  it('checks htu against PUBLIC_URL, whatever host the request or its forwarded headers name', async () => {
    const proxied = { 'x-forwarded-host': 'internal.example:8080', 'x-forwarded-proto': 'http' };
    const forForwarded = await client.proof('POST', { htu: 'http://internal.example:8080/graphql' });
    const refused = await gqlWith(server.url, REGISTER, { input: { username: 'pia', password: PASSWORD } }, { ...proxied, dpop: forForwarded });
    expect(reason(refused)).toBe('DPOP_PROOF_INVALID');
    const forSocket = await client.proof('POST', { htu: server.url });
    expect(reason(await gqlWith(server.url, REGISTER, { input: { username: 'pia', password: PASSWORD } }, { dpop: forSocket }))).toBe('DPOP_PROOF_INVALID');
    const good = await gqlWith(server.url, REGISTER, { input: { username: 'pia', password: PASSWORD } }, { ...proxied, dpop: await client.proof() });
    expect(good.body.data.register.tokenType).toBe('DPoP');
  });
});
