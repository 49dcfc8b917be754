import argon2 from 'argon2';
import { BadUserInputError } from '../../../src/errors';
import { PasswordService } from '../../../src/modules/auth/password.service';

const PARAMS = { memoryCost: 4096, timeCost: 1, parallelism: 1 };
const EMOJI = '\u{1F600}'; // one code point, two UTF-16 units

/** Runs fn, expecting a BadUserInputError, and returns its extensions. */
function inputError(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadUserInputError);
    return (err as BadUserInputError).extensions as Record<string, unknown>;
  }
  throw new Error('expected a BadUserInputError, nothing was thrown');
}

describe('PasswordService', () => {
  const service = new PasswordService(PARAMS);
  afterEach(() => jest.restoreAllMocks());

  describe('hash and verify', () => {
    it('hashes with argon2id and the configured m/t/p', async () => {
      const hash = await service.hash('correct horse battery');
      const [, id, version, params, salt, digest] = hash.split('$');
      expect(id).toBe('argon2id');
      expect(version).toBe('v=19');
      expect(Object.fromEntries(params.split(',').map((kv) => kv.split('=')))).toEqual({ m: '4096', t: '1', p: '1' });
      expect(salt).toMatch(/^[A-Za-z0-9+/]{16,}$/);
      expect(digest).toMatch(/^[A-Za-z0-9+/]{32,}$/);
    });

    it('salts each hash, so two hashes of one password differ but both verify', async () => {
      const [a, b] = await Promise.all([service.hash('correct horse battery'), service.hash('correct horse battery')]);
      expect(a).not.toBe(b);
      expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
      await expect(service.verify(a, 'correct horse battery')).resolves.toBe(true);
      await expect(service.verify(b, 'correct horse battery')).resolves.toBe(true);
    });

    it('verifies the right password and refuses a wrong one', async () => {
      const hash = await service.hash('correct horse battery');
      await expect(service.verify(hash, 'correct horse battery')).resolves.toBe(true);
      await expect(service.verify(hash, 'correct horse batterY')).resolves.toBe(false);
    });

    it('never truncates: 128-character passwords differing only in the last one do not match', async () => {
      const a = 'a'.repeat(127) + 'b';
      const b = 'a'.repeat(127) + 'c';
      const hash = await service.hash(service.normalize(a));
      await expect(service.verify(hash, service.normalize(b))).resolves.toBe(false);
      await expect(service.verify(hash, service.normalize(a))).resolves.toBe(true);
    });

    it('returns false for a corrupt stored hash instead of throwing', async () => {
      const good = await service.hash('correct horse battery');
      for (const corrupt of ['', 'not-a-hash', good.slice(0, 30), '$argon2id$v=19$m=4096,t=1,p=1$!!$!!', good.replace('argon2id', 'argon9')]) {
        await expect(service.verify(corrupt, 'correct horse battery')).resolves.toBe(false);
      }
    });

    it('verifyDummy spends a real verify and resolves false, even for the dummy password itself', async () => {
      const spy = jest.spyOn(argon2, 'verify');
      await expect(service.verifyDummy('some password')).resolves.toBe(false);
      await expect(service.verifyDummy('tokengate-dummy-password')).resolves.toBe(false);
      expect(spy).toHaveBeenCalledTimes(2);
    });
  });

  describe('normalize', () => {
    it('accepts 128 code points (256 UTF-16 units) and refuses 129', () => {
      expect(service.normalize(EMOJI.repeat(128))).toBe(EMOJI.repeat(128));
      expect(EMOJI.repeat(129).length).toBe(258);
      expect(inputError(() => service.normalize(EMOJI.repeat(129)))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    });

    it('names the field it was given', () => {
      expect(inputError(() => service.normalize('short', 'newPassword'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    });

    it('refuses an over-long password before any hashing', async () => {
      const hashSpy = jest.spyOn(argon2, 'hash');
      const register = async (pw: string) => service.hash(service.normalize(pw));
      await expect(register(EMOJI.repeat(129))).rejects.toBeInstanceOf(BadUserInputError);
      expect(hashSpy).not.toHaveBeenCalled();
      await register(EMOJI.repeat(128)); // control: the spy does see a real hash
      expect(hashSpy).toHaveBeenCalledTimes(1);
    });

    it('refuses a huge input without even normalising it', () => {
      const nfc = jest.spyOn(String.prototype, 'normalize');
      expect(inputError(() => service.normalize('x'.repeat(100_000)))).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(inputError(() => service.normalizeForLogin('x'.repeat(100_000)))).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(nfc).not.toHaveBeenCalled();
    });

    it('refuses 7 characters and accepts 8', () => {
      expect(inputError(() => service.normalize('1234567'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      expect(service.normalize('12345678')).toBe('12345678');
    });

    it('counts length after NFC: 8 code points in NFD that compose to 7 are refused', () => {
      const nfd = 'cafe\u0301123'; // 8 code points in NFD, 7 after NFC
      expect([...nfd].length).toBe(8);
      expect(inputError(() => service.normalize(nfd))).toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('verifies a password typed in NFD against the hash of its NFC form', async () => {
      const nfc = 'caf\u00e9-password';
      const nfd = 'cafe\u0301-password';
      const hash = await service.hash(service.normalize(nfc));
      await expect(service.verify(hash, service.normalize(nfd))).resolves.toBe(true);
      await expect(service.verify(hash, service.normalizeForLogin(nfd))).resolves.toBe(true);
      await expect(service.verify(hash, nfd)).resolves.toBe(false); // control: without NFC they differ
    });
  });

  describe('normalizeForLogin', () => {
    it('refuses more than 128 code points but lets short passwords through to be checked', () => {
      expect(inputError(() => service.normalizeForLogin(EMOJI.repeat(129)))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      expect(service.normalizeForLogin(EMOJI.repeat(128))).toBe(EMOJI.repeat(128));
      expect(service.normalizeForLogin('abc')).toBe('abc');
      expect(service.normalizeForLogin('e\u0301')).toBe('\u00e9');
    });
  });

  describe('needsRehash', () => {
    it('is false for a hash made with the service parameters', async () => {
      expect(service.needsRehash(await service.hash('correct horse battery'))).toBe(false);
    });

    it.each([
      ['memoryCost', { ...PARAMS, memoryCost: 8192 }],
      ['timeCost', { ...PARAMS, timeCost: 2 }],
      ['parallelism', { ...PARAMS, parallelism: 2 }],
    ])('is true for a hash made with another %s', async (_name, params) => {
      const other = await new PasswordService(params).hash('correct horse battery');
      expect(service.needsRehash(other)).toBe(true);
    });

    it('is true for an argon2i hash with the same m/t/p (the service hashes with argon2id)', async () => {
      const legacy = await argon2.hash('correct horse battery', { ...PARAMS, type: argon2.argon2i });
      expect(legacy.startsWith('$argon2i$')).toBe(true);
      expect(service.needsRehash(legacy)).toBe(true);
    });

    it('is true for a hash it cannot parse', () => {
      expect(service.needsRehash('not-a-hash')).toBe(true);
    });
  });
});
