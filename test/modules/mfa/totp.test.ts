import { createTestServer, firstError, LOGIN, REFRESH, register, type TestServer } from '../../helpers/server';
import { expectError, ok, PASSWORD } from '../../helpers/shop';
import { TestClock } from '../../helpers/clock';
import { claimsOf, COMPLETE, CONFIRM_TOTP, DISABLE_TOTP, enrolTotp, MFA_STATUS, passwordStep, REGENERATE, START_TOTP, totpAt } from '../../helpers/mfa';

const as = (token: string) => ({ token });

describe('TOTP and recovery codes', () => {
  let server: TestServer;
  // Frozen in the middle of a 30-second step, so "one step either way" is unambiguous.
  beforeEach(async () => (server = await createTestServer({ RATE_LOGIN_ACCOUNT_MAX: '1000' }, new TestClock('2026-12-01T10:00:15.000Z'))));
  afterEach(() => server.close());

  it('enrols with a first code: 10 distinct recovery codes of 60 bits, the secret stored sealed', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const start = await ok(server.gql(START_TOTP, {}, as(alice.accessToken)), 'startTotpEnrollment');
    expect(start.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(start.otpauthUri).toMatch(/^otpauth:\/\/totp\/tokengate:alice\?/);
    expect(start.otpauthUri).toContain('algorithm=SHA1');
    expect(start.otpauthUri).toContain('digits=6');
    expect(start.otpauthUri).toContain('period=30');
    expect(await ok(server.gql(MFA_STATUS, {}, as(alice.accessToken)), 'me')).toEqual({ mfaEnabled: false, mfaMethods: [], recoveryCodesLeft: 0 });

    expectError(await server.gql(CONFIRM_TOTP, { code: '000000' }, as(alice.accessToken)), { code: 'INVALID_MFA_CODE' });
    const codes: string[] = await ok(server.gql(CONFIRM_TOTP, { code: totpAt(start.secret, server.clock.now()) }, as(alice.accessToken)), 'confirmTotpEnrollment');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(await ok(server.gql(MFA_STATUS, {}, as(alice.accessToken)), 'me')).toEqual({ mfaEnabled: true, mfaMethods: ['totp', 'recovery_code'], recoveryCodesLeft: 10 });

    const conn = server.app.orm.em.fork().getConnection();
    const row = await conn.execute<{ secret_sealed: string }>('select secret_sealed from mfa_totp where user_id = ?', [alice.user.id], 'get');
    expect(row.secret_sealed).not.toContain(start.secret);
    const hashes = await conn.execute<Array<{ code_hash: string }>>('select code_hash from mfa_recovery_codes where user_id = ?', [alice.user.id]);
    expect(hashes.map((h: { code_hash: string }) => h.code_hash).some((h: string) => codes.some((c) => h.includes(c.replace(/-/g, ''))))).toBe(false);
    // Enrolling again needs TOTP off first.
    // Enrolling again is a factor change: this session (opened before enrolment) must step up first.
    const again = await server.gql(START_TOTP, {}, as(alice.accessToken));
    expect(again.status).toBe(401);
    expect(firstError(again)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INSUFFICIENT_USER_AUTHENTICATION' });
  });

  it('login answers MFA_REQUIRED with an mfaToken and the methods; a code finishes it with amr, acr and auth_time kept on refresh', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    const res = await server.gql(LOGIN, { input: { username: 'alice', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    const ext = firstError(res);
    expect(ext).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED', methods: ['totp', 'recovery_code'], expiresIn: 300 });
    expect(ext.mfaToken).toMatch(/^tgm_[A-Za-z0-9_-]{43}$/);

    const done = await ok(server.gql(COMPLETE, { t: ext.mfaToken, code: totpAt(secret, server.clock.now()) }), 'completeMfaLogin');
    const claims = claimsOf(done.accessToken);
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.acr).toBe('urn:tokengate:mfa');
    expect(claims.auth_time).toBe(Math.floor(server.clock.now().getTime() / 1000));
    const refreshed = await ok(server.gql(REFRESH, { token: done.refreshToken }), 'refreshToken');
    expect(claimsOf(refreshed.accessToken)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:tokengate:mfa' });
    // The token is single-use.
    server.clock.advance(30);
    expectError(await server.gql(COMPLETE, { t: ext.mfaToken, code: totpAt(secret, server.clock.now()) }), { code: 'INVALID_MFA_TOKEN' });
  });

  it('accepts one step of drift either way, not two', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    server.clock.advance(60); // two steps past the one enrolment used, so the step before now is unused
    const at = (seconds: number) => totpAt(secret, new Date(server.clock.now().getTime() + seconds * 1000));
    const attempt = async (code: string) => server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code });
    expectError(await attempt(at(-60)), { code: 'INVALID_MFA_CODE' });
    expectError(await attempt(at(60)), { code: 'INVALID_MFA_CODE' });
    await ok(attempt(at(-30)), 'completeMfaLogin');
    await ok(attempt(at(30)), 'completeMfaLogin');
  });

  it('accepts a code once: a replay inside its window is refused', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    const code = totpAt(secret, server.clock.now());
    await ok(server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code }), 'completeMfaLogin');
    server.clock.advance(10); // same step
    expectError(await server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code }), { code: 'INVALID_MFA_CODE' });
    // An older code (the step before) is refused too once a later one was used.
    expectError(await server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code: totpAt(secret, new Date(server.clock.now().getTime() - 30_000)) }), { code: 'INVALID_MFA_CODE' });
  });

  it('five wrong codes end the mfaToken', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    const { mfaToken } = await passwordStep(server, 'alice', PASSWORD);
    for (let left = 4; left >= 0; left--) expectError(await server.gql(COMPLETE, { t: mfaToken, code: '123456' }), { code: 'INVALID_MFA_CODE', attemptsLeft: left });
    expectError(await server.gql(COMPLETE, { t: mfaToken, code: totpAt(secret, server.clock.now()) }), { code: 'INVALID_MFA_TOKEN' });
  });

  it('an mfaToken lives five minutes, and a password change in between ends it', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    const first = await passwordStep(server, 'alice', PASSWORD);
    server.clock.advance(301);
    expectError(await server.gql(COMPLETE, { t: first.mfaToken, code: totpAt(secret, server.clock.now()) }), { code: 'INVALID_MFA_TOKEN' });
    const second = await passwordStep(server, 'alice', PASSWORD);
    const conn = server.app.orm.em.fork().getConnection();
    await conn.execute('update users set password_hash = ? where id = ?', ['$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$aGFzaA', alice.user.id]);
    expectError(await server.gql(COMPLETE, { t: second.mfaToken, code: totpAt(secret, server.clock.now()) }), { code: 'INVALID_MFA_TOKEN' });
  });

  it('wrong codes count against the account login limit', async () => {
    await server.close();
    server = await createTestServer({ RATE_LOGIN_ACCOUNT_MAX: '3' }, new TestClock('2026-12-01T10:00:15.000Z'));
    const alice = await register(server, 'alice', PASSWORD);
    await enrolTotp(server, alice.accessToken);
    const { mfaToken } = await passwordStep(server, 'alice', PASSWORD); // a right password clears the count
    for (let i = 0; i < 3; i++) expectError(await server.gql(COMPLETE, { t: mfaToken, code: '123456' }), { code: 'INVALID_MFA_CODE' });
    expect(firstError(await server.gql(COMPLETE, { t: mfaToken, code: '123456' }))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(firstError(await server.gql(LOGIN, { input: { username: 'alice', password: PASSWORD } }))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('a recovery code signs in once, the count goes down, and regenerating replaces them all', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret, recoveryCodes } = await enrolTotp(server, alice.accessToken);
    const typed = recoveryCodes[0].toUpperCase().replace(/-/g, ' ');
    const done = await ok(server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code: typed }), 'completeMfaLogin');
    expect((await ok(server.gql(MFA_STATUS, {}, as(done.accessToken)), 'me')).recoveryCodesLeft).toBe(9);
    expect(claimsOf(done.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    expectError(await server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code: recoveryCodes[0] }), { code: 'INVALID_MFA_CODE' });

    expectError(await server.gql(REGENERATE, { code: '000000' }, as(done.accessToken)), { code: 'INVALID_MFA_CODE' });
    const fresh: string[] = await ok(server.gql(REGENERATE, { code: totpAt(secret, server.clock.now()) }, as(done.accessToken)), 'regenerateRecoveryCodes');
    expect(fresh).toHaveLength(10);
    expectError(await server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code: recoveryCodes[1] }), { code: 'INVALID_MFA_CODE' });
    await ok(server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code: fresh[1] }), 'completeMfaLogin');
  });

  it('disableTotp with a current code turns the second step off', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const { secret } = await enrolTotp(server, alice.accessToken);
    const done = await ok(server.gql(COMPLETE, { t: (await passwordStep(server, 'alice', PASSWORD)).mfaToken, code: totpAt(secret, server.clock.now()) }), 'completeMfaLogin');
    server.clock.advance(30);
    expectError(await server.gql(DISABLE_TOTP, { code: '000000' }, as(done.accessToken)), { code: 'INVALID_MFA_CODE' });
    expect(await ok(server.gql(DISABLE_TOTP, { code: totpAt(secret, server.clock.now()) }, as(done.accessToken)), 'disableTotp')).toBe(true);
    expect(await ok(server.gql(MFA_STATUS, {}, as(done.accessToken)), 'me')).toEqual({ mfaEnabled: false, mfaMethods: [], recoveryCodesLeft: 0 });
    const plain = await ok(server.gql(LOGIN, { input: { username: 'alice', password: PASSWORD } }), 'login');
    expect(claimsOf(plain.accessToken).amr).toEqual(['pwd']);
    expect(claimsOf(plain.accessToken).acr).toBeUndefined();
  });
});
