import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../../../src/config';
import { symmetricKeyRing } from '../../../src/modules/auth/keys';
import { TokenError, TokenService } from '../../../src/modules/auth/token.service';
import { epochSeconds } from '../../../src/lib/clock';
import { TestClock } from '../../helpers/clock';

const SECRET = Buffer.from('x'.repeat(40));
const KEYS = symmetricKeyRing(SECRET);
const KID = KEYS.signing.kid;
const CFG: Config['jwt'] = {
  secret: SECRET, algorithm: 'HS256', keys: KEYS, issuer: 'tokengate', audience: 'tokengate', accessTtl: 900, maxLifetime: 900, clockTolerance: 30,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('TokenService', () => {
  let clock: TestClock;
  let service: TokenService;
  beforeEach(() => {
    clock = new TestClock();
    service = new TokenService(CFG, clock);
  });

  const now = () => epochSeconds(clock.now());
  const claims = (over: Record<string, unknown> = {}) => ({
    sub: 'user-1', sid: 'session-1', jti: 'jti-1', iat: now(), exp: now() + 900, iss: 'tokengate', aud: 'tokengate', ...over,
  });
  const without = (key: string) => {
    const c: Record<string, unknown> = claims();
    delete c[key];
    return c;
  };
  /** Signs with jsonwebtoken under the ring's kid, so only the point under test differs; iat is kept as given. */
  const forge = (payload: object, opts: { key?: jwt.Secret; algorithm?: jwt.Algorithm; header?: Record<string, unknown>; noTimestamp?: boolean } = {}) => {
    const algorithm = opts.algorithm ?? 'HS256';
    const header = { alg: algorithm, typ: 'at+jwt', kid: KID, ...opts.header } as jwt.JwtHeader;
    return jwt.sign(payload, opts.key ?? SECRET, { algorithm, header, noTimestamp: opts.noTimestamp ?? false });
  };
  /** The TokenError reason, or 'OK' when the token is accepted. */
  const outcome = (token: string): string => {
    try {
      service.verify(token);
      return 'OK';
    } catch (err) {
      if (err instanceof TokenError) return err.reason;
      throw err;
    }
  };

  describe('sign and verify', () => {
    it('round-trips a token with the expected claims and header', () => {
      const { token, claims: signed } = service.sign({ userId: 'user-1', sessionId: 'session-1' });
      const iat = now();
      expect(signed).toEqual({ sub: 'user-1', sid: 'session-1', jti: expect.stringMatching(/^[0-9a-f-]{36}$/), iat, exp: iat + 900, iss: 'tokengate', aud: 'tokengate' });
      expect(service.verify(token)).toEqual(signed);
      const decoded = jwt.decode(token, { complete: true })!;
      expect(decoded.header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: KID });
      expect(decoded.payload).not.toHaveProperty('auth_time');
      expect(service.ttl).toBe(900);
    });

    it('gives every token its own jti', () => {
      const a = service.sign({ userId: 'u', sessionId: 's' }).claims.jti;
      const b = service.sign({ userId: 'u', sessionId: 's' }).claims.jti;
      expect(a).not.toBe(b);
    });

    it('adds auth_time (epoch seconds) only when authTime is given', () => {
      const authTime = new Date(clock.now().getTime() - 60_500);
      const { token } = service.sign({ userId: 'u', sessionId: 's', authTime });
      expect(service.verify(token).auth_time).toBe(now() - 61);
      expect(jwt.decode(token, { complete: true })!.payload).toHaveProperty('auth_time', now() - 61);
    });

    it('accepts typ application/at+jwt and refuses a non-integer auth_time', () => {
      expect(outcome(forge(claims(), { header: { typ: 'application/at+jwt' } }))).toBe('OK');
      expect(outcome(forge(claims({ auth_time: 'yesterday' })))).toBe('TOKEN_INVALID');
    });
  });

  describe('algorithm and signature', () => {
    const unsigned = (alg: string, signature = '') => `${b64({ alg, typ: 'at+jwt', kid: KID })}.${b64(claims())}.${signature}`;

    it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s without a signature', (alg) => {
      expect(outcome(unsigned(alg))).toBe('TOKEN_INVALID');
    });

    it.each(['none', 'None', 'NONE'])('refuses alg %s with a trailing signature, even a real HMAC', (alg) => {
      const body = `${b64({ alg, typ: 'at+jwt', kid: KID })}.${b64(claims())}`;
      const hmac = createHmac('sha256', SECRET).update(body).digest('base64url');
      expect(outcome(`${body}.${hmac}`)).toBe('TOKEN_INVALID');
      expect(outcome(unsigned(alg, 'c2lnbmF0dXJl'))).toBe('TOKEN_INVALID');
    });

    it.each<jwt.Algorithm>(['HS384', 'HS512'])('refuses %s even when signed with the right secret', (algorithm) => {
      expect(outcome(forge(claims(), { algorithm }))).toBe('TOKEN_INVALID');
    });

    it('refuses an RS256 token', () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect(outcome(forge(claims(), { algorithm: 'RS256', key: privateKey }))).toBe('TOKEN_INVALID');
    });

    it('refuses a token signed with another key', () => {
      expect(outcome(forge(claims()))).toBe('OK'); // control: same claims, right key
      expect(outcome(forge(claims(), { key: Buffer.from('y'.repeat(40)) }))).toBe('TOKEN_INVALID');
    });

    it('refuses a tampered payload that keeps the original signature', () => {
      const [header, , signature] = service.sign({ userId: 'user-1', sessionId: 's' }).token.split('.');
      const payload = b64(claims({ sub: 'admin' }));
      expect(outcome(`${header}.${payload}.${signature}`)).toBe('TOKEN_INVALID');
    });
  });

  describe('time claims', () => {
    it('refuses a token without exp, which jsonwebtoken alone accepts', () => {
      const token = forge(without('exp'));
      expect(() => jwt.verify(token, SECRET, { algorithms: ['HS256'], clockTimestamp: now() })).not.toThrow();
      expect(outcome(token)).toBe('TOKEN_INVALID');
    });

    it('refuses a token without iat', () => {
      expect(outcome(forge(without('iat'), { noTimestamp: true }))).toBe('TOKEN_INVALID');
    });

    it('refuses non-integer time claims', () => {
      expect(outcome(forge(claims({ exp: now() + 100.5 })))).toBe('TOKEN_INVALID');
    });

    it('refuses a lifetime above maxLifetime and accepts exactly maxLifetime', () => {
      expect(outcome(forge(claims({ exp: now() + 901 })))).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims({ exp: now() + 900 })))).toBe('OK');
    });

    it('refuses exp <= iat', () => {
      expect(outcome(forge(claims({ exp: now() })))).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims({ iat: now() + 20, exp: now() + 10 })))).toBe('TOKEN_INVALID');
    });

    it('refuses iat in the future beyond the leeway and accepts it within', () => {
      expect(outcome(forge(claims({ iat: now() + 31, exp: now() + 31 + 900 })))).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims({ iat: now() + 30, exp: now() + 30 + 900 })))).toBe('OK');
    });

    it('refuses nbf in the future beyond the leeway and accepts it within', () => {
      expect(outcome(forge(claims({ nbf: now() + 31 })))).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims({ nbf: now() + 30 })))).toBe('OK');
    });

    it('reports TOKEN_EXPIRED only when the signature is valid', () => {
      const expired = claims({ iat: now() - 1000, exp: now() - 100 });
      expect(outcome(forge(expired))).toBe('TOKEN_EXPIRED');
      expect(outcome(forge(expired, { key: Buffer.from('y'.repeat(40)) }))).toBe('TOKEN_INVALID');
      expect(outcome(forge(expired, { algorithm: 'HS512' }))).toBe('TOKEN_INVALID');
      expect(outcome(`${b64({ alg: 'none', typ: 'at+jwt', kid: KID })}.${b64(expired)}.`)).toBe('TOKEN_INVALID');
    });

    it('expires a signed token once ttl + leeway has passed on the clock', () => {
      const { token } = service.sign({ userId: 'u', sessionId: 's' });
      clock.advance(929);
      expect(outcome(token)).toBe('OK');
      clock.advance(2);
      expect(outcome(token)).toBe('TOKEN_EXPIRED');
    });
  });

  describe('remembered tokens', () => {
    it('answers a token verified before with the same claims, and still expires it on the clock', () => {
      const { token } = service.sign({ userId: 'u', sessionId: 's' });
      const first = service.verify(token);
      expect(service.verify(token)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      clock.advance(931);
      expect(outcome(token)).toBe('TOKEN_EXPIRED');
    });

    it('refuses a copy of a verified token with one character of its signature changed', () => {
      const { token } = service.sign({ userId: 'u', sessionId: 's' });
      expect(outcome(token)).toBe('OK');
      const last = token.slice(-1);
      expect(outcome(token.slice(0, -1) + (last === 'A' ? 'B' : 'A'))).toBe('TOKEN_INVALID');
    });

    it('refuses a verified token again when the clock steps back before its iat', () => {
      const { token } = service.sign({ userId: 'u', sessionId: 's' });
      expect(outcome(token)).toBe('OK');
      clock.advance(-31);
      expect(outcome(token)).toBe('TOKEN_INVALID');
    });
  });

  describe('claims and header', () => {
    it('refuses a wrong issuer or audience', () => {
      expect(outcome(forge(claims({ iss: 'evil' })))).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims({ aud: 'other-service' })))).toBe('TOKEN_INVALID');
    });

    it.each(['sub', 'sid', 'jti'])('refuses a token without %s', (key) => {
      expect(outcome(forge(without(key)))).toBe('TOKEN_INVALID');
    });

    it('refuses a non-string sub', () => {
      expect(outcome(forge(claims({ sub: 42 })))).toBe('TOKEN_INVALID');
    });

    it('refuses a missing typ or typ JWT', () => {
      const noTyp = forge(claims(), { header: { typ: undefined } });
      expect(jwt.decode(noTyp, { complete: true })!.header).not.toHaveProperty('typ');
      expect(outcome(noTyp)).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims(), { header: { typ: 'JWT' } }))).toBe('TOKEN_INVALID');
    });
  });

  describe('key selection', () => {
    it('refuses a token without kid or with an unknown kid', () => {
      expect(outcome(forge(claims(), { header: { kid: undefined } }))).toBe('TOKEN_INVALID');
      expect(outcome(forge(claims(), { header: { kid: 'some-other-kid' } }))).toBe('TOKEN_INVALID');
    });

    it.each(['jwk', 'jku', 'x5u', 'x5c', 'crit'])('refuses a token carrying a %s header', (name) => {
      expect(outcome(forge(claims(), { header: { [name]: name === 'crit' ? ['exp'] : 'https://evil.example/key' } }))).toBe('TOKEN_INVALID');
    });
  });

  describe('garbage', () => {
    const junk = () => [b64('junk'), 'bm90IGpzb24', Buffer.from([0xff, 0xfe, 0x00]).toString('base64url')].join('.');
    it.each([
      ['empty', () => ''],
      ['a.b.c', () => 'a.b.c'],
      ['not-a-jwt', () => 'not-a-jwt'],
      ['three junk base64 segments', junk],
      ['a header that is a JSON number', () => `${b64(5)}.${b64(claims())}.c2ln`],
      ['a valid token with a fourth segment', () => `${forge(claims())}.c2ln`],
      ['a valid token with its signature dropped', () => forge(claims()).split('.').slice(0, 2).join('.') + '.'],
    ])('refuses %s', (_name, make) => {
      expect(outcome(make())).toBe('TOKEN_INVALID');
    });
  });
});
