import jwt from 'jsonwebtoken';
import { User } from '../../../src/modules/user/user.entity';
import { createTestServer, firstError, login, register, LOGIN, ME, REGISTER, TEST_SECRET, type TestServer } from '../../helpers/server';

const PASSWORD = 'correct horse battery';

describe('auth resolvers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  const registerRaw = (username: string, password = PASSWORD) => server.gql(REGISTER, { input: { username, password } });
  const loginRaw = (username: string, password = PASSWORD, headers?: Record<string, string>) =>
    server.gql(LOGIN, { input: { username, password } }, { headers });

  describe('register, login, me', () => {
    it('registers, logs in case-insensitively and answers me, keeping the username as given', async () => {
      const reg = await register(server, 'Alice', PASSWORD);
      expect(reg).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        refreshToken: expect.any(String),
        sessionId: expect.any(String),
        accessToken: expect.any(String),
        user: { id: expect.any(String), username: 'Alice', role: 'USER', isActive: true, createdAt: expect.any(String) },
      });
      expect(reg.refreshToken.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(reg.user.createdAt))).toBe(false);

      const payload = await login(server, 'ALICE', PASSWORD);
      expect(payload).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.any(String), user: { id: reg.user.id, username: 'Alice' } });
      expect(payload.sessionId).not.toBe(reg.sessionId);
      expect(payload.refreshToken).not.toBe(reg.refreshToken);

      const me = await server.gql(ME, {}, { token: payload.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.errors).toBeUndefined();
      expect(me.body.data.me).toEqual(reg.user);
    });

    it('refuses a taken username, whatever its case', async () => {
      await register(server, 'carol', PASSWORD);
      for (const name of ['carol', 'CAROL', 'Carol']) {
        const res = await registerRaw(name);
        expect(res.body.data?.register ?? null).toBeNull();
        expect(firstError(res)).toMatchObject({ code: 'USERNAME_TAKEN', field: 'username' });
      }
    });
  });

  describe('register input validation', () => {
    it.each([
      ['contains a space', 'a b'],
      ['is too short', 'ab'],
      ['is too long', 'x'.repeat(33)],
      ['has a bad character', 'name!'],
      ['is empty', ''],
    ])('refuses a username that %s', async (_why, username) => {
      const res = await registerRaw(username);
      expect(res.body.data?.register ?? null).toBeNull();
      expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
    });

    it('says the rule means ASCII letters when a non-ASCII letter is refused', async () => {
      const res = await registerRaw('zoë_smith');
      expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
      // The wording is the fix here: "letters" alone read as if "ë" were one.
      expect(res.body.errors![0].message).toMatch(/ASCII letters/);
    });

    it('accepts a username of exactly 3 and 32 allowed characters', async () => {
      expect((await register(server, 'a.b', PASSWORD)).user.username).toBe('a.b');
      const long = 'A_b-c.'.padEnd(32, '9');
      expect((await register(server, long, PASSWORD)).user.username).toBe(long);
    });

    it.each([
      ['7 characters', 'x'.repeat(7)],
      ['129 characters', 'x'.repeat(129)],
      ['129 code points (258 UTF-16 units)', '😀'.repeat(129)],
    ])('refuses a password of %s', async (_why, password) => {
      const res = await registerRaw(`pw${password.length}${[...password].length}`, password);
      expect(res.body.data?.register ?? null).toBeNull();
      expect(firstError(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    });

    it('accepts passwords of 8 and 128 code points and logs in with them', async () => {
      for (const [username, password] of [
        ['pw_eight', 'x'.repeat(8)],
        ['pw_max', 'y'.repeat(128)],
        ['pw_emoji', '😀'.repeat(128)],
      ]) {
        await register(server, username, password);
        expect((await login(server, username, password)).user.username).toBe(username);
      }
    });
  });

  describe('bad credentials', () => {
    beforeAll(async () => {
      await register(server, 'bob', PASSWORD);
      await register(server, 'dave', PASSWORD);
      await server.app.orm.em.fork().nativeUpdate(User, { usernameKey: 'dave' }, { isActive: false });
    });

    it('gives the same status and body for an unknown user, a wrong password and a disabled account', async () => {
      const unknown = await loginRaw('nobody-here');
      const wrong = await loginRaw('bob', 'not the password');
      const disabled = await loginRaw('dave', PASSWORD);
      expect(firstError(unknown)).toEqual({ code: 'BAD_CREDENTIALS' });
      expect(unknown.body.data ?? null).toBeNull();
      expect(wrong.status).toBe(unknown.status);
      expect(disabled.status).toBe(unknown.status);
      expect(wrong.body).toEqual(unknown.body);
      expect(disabled.body).toEqual(unknown.body);
    });

    it('refuses a user deactivated after registering (via the database row)', async () => {
      await register(server, 'erin', PASSWORD);
      expect((await login(server, 'erin', PASSWORD)).user.username).toBe('erin');
      await server.app.orm.em.fork().nativeUpdate(User, { usernameKey: 'erin' }, { isActive: false });
      const res = await loginRaw('erin');
      expect(res.body.data?.login ?? null).toBeNull();
      expect(firstError(res).code).toBe('BAD_CREDENTIALS');
    });

    it('treats a too-long unknown username as bad credentials, not bad input', async () => {
      const res = await loginRaw('z'.repeat(40));
      expect(firstError(res).code).toBe('BAD_CREDENTIALS');
    });
  });

  describe('unicode passwords', () => {
    it('matches a password typed in NFD against one registered in NFC', async () => {
      const nfc = 'Crème brûlée café';
      const nfd = nfc.normalize('NFD');
      expect(nfd).not.toBe(nfc);
      await register(server, 'unicode', nfc);
      expect((await login(server, 'unicode', nfd)).user.username).toBe('unicode');
      const wrong = await loginRaw('unicode', 'Creme brulee cafe');
      expect(firstError(wrong).code).toBe('BAD_CREDENTIALS');
    });
  });

  describe('a stale bearer token on public mutations', () => {
    beforeAll(async () => {
      await register(server, 'stale', PASSWORD);
    });

    const now = () => Math.floor(Date.now() / 1000);
    const expired = () =>
      jwt.sign(
        { sub: 'x', sid: 'y', jti: 'z', iat: now() - 7200, exp: now() - 3600, iss: 'tokengate', aud: 'tokengate' },
        TEST_SECRET,
        { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } },
      );

    it.each([
      ['garbage', () => 'Bearer garbage'],
      ['a malformed scheme', () => 'Basic abc'],
      ['an expired token', () => `Bearer ${expired()}`],
    ])('does not block login with %s', async (_why, header) => {
      const res = await loginRaw('stale', PASSWORD, { authorization: header() });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.login.user.username).toBe('stale');
    });

    it('does not block register with a garbage or expired token', async () => {
      let i = 0;
      for (const header of ['Bearer garbage', `Bearer ${expired()}`]) {
        const res = await server.gql(REGISTER, { input: { username: `fresh${i++}`, password: PASSWORD } }, { headers: { authorization: header } });
        expect(res.status).toBe(200);
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data.register.tokenType).toBe('Bearer');
      }
    });
  });
});
