import { createApp, type App } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { TestClock } from '../../helpers/clock';
import { freshDatabase } from '../../helpers/database';
import { LOGIN, REGISTER, TEST_SECRET } from '../../helpers/server';
import { SoftAuthenticator } from '../../helpers/webauthn';
import { COMPLETE, CONFIRM_TOTP, FINISH_LOGIN, FINISH_REG, START_LOGIN, START_REG, START_TOTP, totpAt } from '../../helpers/mfa';

/** Two servers on one PostgreSQL database: what one instance spends (an mfaToken, a code, a challenge), the other sees spent. */
const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
const PASSWORD = 'correct horse battery';

type Body = { data?: any; errors?: Array<{ extensions?: Record<string, any> }> };

describePg('second factors across two instances', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const apps: App[] = [];
  const urls: string[] = [];
  const clock = new TestClock('2026-12-01T10:00:15.000Z');

  beforeAll(async () => {
    db = await freshDatabase();
    // PUBLIC_URL fixes the WebAuthn origin for both; the servers themselves listen on random ports.
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATABASE_URL: db.url, ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1', PUBLIC_URL: 'http://localhost:4000', RATE_LOGIN_IP_MAX: '1000' });
    for (let i = 0; i < 2; i++) {
      const app = await createApp(config, { clock });
      apps.push(app);
      urls.push(await app.listen(0, '127.0.0.1'));
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await db?.drop();
  });

  const gql = async (on: 0 | 1, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Body> => {
    const res = await fetch(urls[on], { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as Body;
  };
  const data = (body: Body, field: string) => {
    if (body.errors) throw new Error(`${field}: ${JSON.stringify(body.errors)}`);
    return body.data[field];
  };
  const mfaToken = async (on: 0 | 1, username: string) => (await gql(on, LOGIN, { input: { username, password: PASSWORD } })).errors![0].extensions!.mfaToken as string;

  it('an mfaToken and a TOTP code spent on A are spent on B, and wrong codes count on both', async () => {
    const reg = data(await gql(0, REGISTER, { input: { username: 'alice', password: PASSWORD } }), 'register');
    const { secret } = data(await gql(0, START_TOTP, {}, reg.accessToken), 'startTotpEnrollment');
    data(await gql(1, CONFIRM_TOTP, { code: totpAt(secret, clock.now()) }, reg.accessToken), 'confirmTotpEnrollment');
    clock.advance(30);

    const token = await mfaToken(0, 'alice');
    const code = totpAt(secret, clock.now());
    data(await gql(1, COMPLETE, { t: token, code }), 'completeMfaLogin');
    clock.advance(30);
    expect((await gql(0, COMPLETE, { t: token, code: totpAt(secret, clock.now()) })).errors?.[0].extensions?.code).toBe('INVALID_MFA_TOKEN');
    // The code from before, on the other instance with a new token: a replay.
    expect((await gql(0, COMPLETE, { t: await mfaToken(1, 'alice'), code })).errors?.[0].extensions?.code).toBe('INVALID_MFA_CODE');

    const limited = await mfaToken(0, 'alice');
    for (let i = 0; i < 5; i++) expect((await gql((i % 2) as 0 | 1, COMPLETE, { t: limited, code: '000000' })).errors?.[0].extensions).toMatchObject({ code: 'INVALID_MFA_CODE', attemptsLeft: 4 - i });
    expect((await gql(1, COMPLETE, { t: limited, code: totpAt(secret, clock.now()) })).errors?.[0].extensions?.code).toBe('INVALID_MFA_TOKEN');
  });

  it('a WebAuthn challenge issued on A is finished on B once', async () => {
    const reg = data(await gql(0, REGISTER, { input: { username: 'bob', password: PASSWORD } }), 'register');
    const key = new SoftAuthenticator('http://localhost:4000', 'localhost');
    data(await gql(1, FINISH_REG, { r: key.register(data(await gql(0, START_REG, {}, reg.accessToken), 'startPasskeyRegistration')) }, reg.accessToken), 'finishPasskeyRegistration');
    const response = key.assert(data(await gql(0, START_LOGIN), 'startPasskeyLogin'));
    expect(data(await gql(1, FINISH_LOGIN, { r: response }), 'finishPasskeyLogin').user.id).toBe(reg.user.id);
    expect((await gql(0, FINISH_LOGIN, { r: response })).errors?.[0].extensions).toMatchObject({ code: 'PASSKEY_REJECTED', reason: 'CHALLENGE_INVALID' });
  });
});
