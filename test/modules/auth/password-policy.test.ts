import { createTestServer, LOGIN, REGISTER, register, type GqlResponse, type TestServer } from '../../helpers/server';

const GOOD = 'correct horse battery';
const CHANGE = `mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }`;

/** What a refusal looks like to the client: status, code and the extensions that explain it. */
const refusal = (res: GqlResponse) => {
  const { code, field, reason } = res.body.errors?.[0]?.extensions ?? {};
  return { status: res.status, code, field, reason, data: res.body.data ?? null };
};

describe('password policy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  const tryRegister = (username: string, password: string) => server.gql(REGISTER, { input: { username, password } });
  const tryLogin = async (username: string, password: string) =>
    (await server.gql(LOGIN, { input: { username, password } })).body.errors?.[0]?.extensions?.code ?? 'OK';

  describe('register', () => {
    it.each(['password123', 'qwertyuiop', '12345678', 'PassWord123', 'QWERTYUIOP'])('refuses the common password %s and creates nothing', async (password) => {
      const username = `user_${password.toLowerCase()}`;
      expect(refusal(await tryRegister(username, password))).toEqual({
        status: 200, code: 'BAD_USER_INPUT', field: 'password', reason: 'PASSWORD_TOO_COMMON', data: null,
      });
      expect(await tryLogin(username, password)).toBe('BAD_CREDENTIALS');
    });

    it.each([
      ['Alice_Smith', 'Alice_Smith'],
      ['Alice_Smith', 'alice_smith'],
      ['Alice_Smith', 'ALICE_SMITH'],
      ['bob.the.builder', 'BoB.tHe.BuIlDeR'],
    ])('refuses a password equal to the username (%s / %s)', async (username, password) => {
      expect(refusal(await tryRegister(username, password))).toEqual({
        status: 200, code: 'BAD_USER_INPUT', field: 'password', reason: 'PASSWORD_IS_USERNAME', data: null,
      });
      expect(await tryLogin(username, password)).toBe('BAD_CREDENTIALS');
    });

    it('accepts a password that merely contains the username or a common word (control)', async () => {
      const res = await tryRegister('carol_x', 'carol_x but longer and rarer');
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.register.user.username).toBe('carol_x');
      expect((await tryRegister('dave_y', 'password123 plus more words')).body.errors).toBeUndefined();
    });
  });

  describe('changePassword', () => {
    let token: string;
    beforeAll(async () => {
      token = (await register(server, 'Erin_Example', GOOD)).accessToken;
    });
    const change = (newPassword: string, currentPassword = GOOD) => server.gql(CHANGE, { input: { currentPassword, newPassword } }, { token });

    it.each(['password123', 'qwertyuiop', '12345678'])('refuses the common new password %s on the newPassword field', async (newPassword) => {
      expect(refusal(await change(newPassword))).toEqual({
        status: 200, code: 'BAD_USER_INPUT', field: 'newPassword', reason: 'PASSWORD_TOO_COMMON', data: null,
      });
    });

    it('refuses the username as the new password, in any case', async () => {
      expect(refusal(await change('erin_example'))).toEqual({
        status: 200, code: 'BAD_USER_INPUT', field: 'newPassword', reason: 'PASSWORD_IS_USERNAME', data: null,
      });
    });

    it('left the old password in place after the refusals, and accepts a good new one (control)', async () => {
      expect(await tryLogin('Erin_Example', GOOD)).toBe('OK');
      expect(await tryLogin('Erin_Example', 'password123')).toBe('BAD_CREDENTIALS');
      const res = await change('a much better passphrase');
      expect(res.body.errors).toBeUndefined();
      expect(await tryLogin('Erin_Example', 'a much better passphrase')).toBe('OK');
    });
  });
});
