import { as, createRole, GRANT_ROLE, makeAdmin, ok, PASSWORD, userWithRole } from '../../helpers/access';
import { firstError, LOGIN, login, REFRESH, type TestServer } from '../../helpers/server';
import { CHANGE_EMAIL, mailWorld, ME_EMAIL, NEW_PASSWORD, REGISTER_EMAIL, registerWithEmail, settle, VERIFY, verifiedAccount, type MailWorld } from '../../helpers/email';

const reg = (server: TestServer, username: string, email: unknown) => server.gql(REGISTER_EMAIL, { input: { username, password: PASSWORD, email } });

describe('e-mail on the account', () => {
  let world: MailWorld;
  afterEach(async () => {
    await world.server.close();
    await world.smtp.stop();
  });

  it('register takes an optional address: trimmed, domain lower-cased, unique regardless of case, sane shape', async () => {
    world = await mailWorld();
    const { server } = world;
    const alice = await ok(reg(server, 'alice', '  Alice.Smith@Example.COM '), 'register');
    expect((await server.gql(ME_EMAIL, {}, as(alice))).body.data.me).toEqual({ id: alice.user.id, email: 'Alice.Smith@example.com', emailVerified: false });
    expect(firstError(await reg(server, 'alice2', 'alice.smith@EXAMPLE.com'))).toMatchObject({ code: 'EMAIL_TAKEN', field: 'email' });
    for (const bad of ['no-at-sign', 'two@@example.com', 'a@b@example.com', 'sp ace@example.com', 'ctl\u0007@example.com', '@example.com', 'x@', 'x@.example.com', `${'a'.repeat(250)}@example.com`]) {
      expect({ bad, ...firstError(await reg(server, 'bob', bad)) }).toMatchObject({ bad, code: 'BAD_USER_INPUT', field: 'email', reason: 'EMAIL_INVALID' });
    }
    await ok(reg(server, 'localpart', 'root@localhost'), 'register'); // a dot-free domain is allowed
    await ok(reg(server, 'noaddress', null), 'register');
  });

  it('REQUIRE_EMAIL=true makes it required', async () => {
    world = await mailWorld({ REQUIRE_EMAIL: 'true' });
    expect(firstError(await reg(world.server, 'alice', null))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email', reason: 'EMAIL_REQUIRED' });
  });

  it('login accepts the verified address in place of the username, and refuses an unverified one like an unknown user', async () => {
    world = await mailWorld();
    const { server } = world;
    await registerWithEmail(server, 'bob', 'bob@example.com');
    expect(firstError(await server.gql(LOGIN, { input: { username: 'bob@example.com', password: PASSWORD } }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
    await verifiedAccount(world, 'alice', 'alice@example.com');
    expect((await login(server, 'ALICE@example.com', PASSWORD)).user.username).toBe('alice');
    expect(firstError(await server.gql(LOGIN, { input: { username: 'alice@example.com', password: 'wrong password here' } }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
  });

  it('the address is readable by the account itself and with users:read, not with roles:manage alone', async () => {
    world = await mailWorld();
    const { server } = world;
    const admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'ROLES', ['roles:manage']);
    const manager = await userWithRole(server, admin, 'manager', 'ROLES');
    const alice = await registerWithEmail(server, 'alice', 'alice@example.com');
    const GRANT_WITH_EMAIL = GRANT_ROLE.replace('permissions }', 'permissions email }');
    expect(firstError(await server.gql(GRANT_WITH_EMAIL, { userId: alice.user.id, role: 'ROLES' }, as(manager)))).toMatchObject({ code: 'FORBIDDEN', missing: 'users:read' });
    const users = await server.gql('{ users(first: 10) { edges { node { username email emailVerified } } } }', {}, as(admin));
    expect(users.body.data.users.edges.map((e: any) => e.node)).toContainEqual({ username: 'alice', email: 'alice@example.com', emailVerified: false });
  });

  it('REQUIRE_EMAIL_VERIFICATION: login and refresh of an unverified account answer EMAIL_NOT_VERIFIED, only after the password is right', async () => {
    world = await mailWorld({ REQUIRE_EMAIL_VERIFICATION: 'true' });
    const { server } = world;
    const bob = await registerWithEmail(server, 'bob', 'bob@example.com');
    expect(firstError(await server.gql(LOGIN, { input: { username: 'bob', password: 'not the password' } }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
    const refused = await server.gql(LOGIN, { input: { username: 'bob', password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(firstError(refused)).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    expect(firstError(await server.gql(REFRESH, { token: bob.refreshToken }))).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    await verifiedAccount(world, 'carol', 'carol@example.com');
    await login(server, 'carol', PASSWORD);
    // The refused refresh spent nothing: once verified, the same refresh token still works.
    const [mail] = world.smtp.to('bob@example.com');
    await ok(server.gql(VERIFY, { token: mail.token }), 'verifyEmail');
    await ok(server.gql(REFRESH, { token: bob.refreshToken }), 'refreshToken');
  });
});

describe('verification', () => {
  let world: MailWorld;
  beforeEach(async () => {
    world = await mailWorld();
  });
  afterEach(async () => {
    await world.server.close();
    await world.smtp.stop();
  });

  it('register with an address mails one link; it verifies the address once; sendEmailVerification sends a newer one', async () => {
    const { server, smtp } = world;
    const alice = await registerWithEmail(server, 'alice', 'alice@example.com');
    const [mail] = await smtp.waitFor(1);
    expect(mail).toMatchObject({ to: 'alice@example.com', subject: 'Confirm your e-mail address' });
    expect(mail.link).toMatch(/^http:\/\/app\.test\/app\/verify-email#token=tge_/);
    expect(await ok(server.gql('mutation { sendEmailVerification }', {}, as(alice)), 'sendEmailVerification')).toBe(true);
    const [, newer] = await smtp.waitFor(2);
    expect(firstError(await server.gql(VERIFY, { token: mail.token }))).toMatchObject({ reason: 'TOKEN_SUPERSEDED' });
    await ok(server.gql(VERIFY, { token: newer.token }), 'verifyEmail');
    expect(firstError(await server.gql(VERIFY, { token: newer.token }))).toMatchObject({ reason: 'TOKEN_USED' });
    expect((await server.gql(ME_EMAIL, {}, as(alice))).body.data.me.emailVerified).toBe(true);
    expect(await ok(server.gql('mutation { sendEmailVerification }', {}, as(alice)), 'sendEmailVerification')).toBe(false);
  });

  it('changeEmail: needs the password; a link to the new address, a notice to the old; the address changes when the link is used', async () => {
    const { server, smtp } = world;
    await verifiedAccount(world, 'alice', 'alice@example.com');
    const fresh = await login(server, 'alice', PASSWORD);
    expect(firstError(await server.gql(CHANGE_EMAIL, { email: 'new@example.com', password: 'wrong password here' }, as(fresh)))).toMatchObject({ code: 'BAD_CREDENTIALS' });
    expect(await ok(server.gql(CHANGE_EMAIL, { email: 'New@Example.com', password: PASSWORD }, as(fresh)), 'changeEmail')).toBe(true);
    await settle(server);
    const mails = await smtp.waitFor(3);
    const confirm = mails.find((m) => m.to === 'New@example.com')!;
    expect(confirm.subject).toBe('Confirm your new e-mail address');
    expect(mails.find((m) => m.subject === 'A change of your e-mail address was requested')!.to).toBe('alice@example.com');
    expect((await server.gql(ME_EMAIL, {}, as(fresh))).body.data.me.email).toBe('alice@example.com');

    await ok(server.gql(VERIFY, { token: confirm.token }), 'verifyEmail');
    expect((await server.gql(ME_EMAIL, {}, as(fresh))).body.data.me).toMatchObject({ email: 'New@example.com', emailVerified: true });
    await settle(server);
    const changed = (await smtp.waitFor(4))[3];
    expect(changed).toMatchObject({ to: 'alice@example.com', subject: 'Your e-mail address was changed' });
    expect(changed.text).toContain('New@example.com');
  });

  it('changeEmail needs a fresh login, and refuses an address another account has', async () => {
    const { server } = world;
    const alice = await verifiedAccount(world, 'alice', 'alice@example.com');
    await registerWithEmail(server, 'bob', 'bob@example.com');
    server.clock.advance(server.config.session.freshLoginWindow + 1);
    expect(firstError(await server.gql(CHANGE_EMAIL, { email: 'x@example.com', password: PASSWORD }, as(await refreshOf(server, alice))))).toMatchObject({ reason: 'FRESH_LOGIN_REQUIRED' });
    const fresh = await login(server, 'alice', PASSWORD);
    expect(firstError(await server.gql(CHANGE_EMAIL, { email: 'BOB@example.com', password: PASSWORD }, as(fresh)))).toMatchObject({ code: 'EMAIL_TAKEN', field: 'newEmail' });
  });
});

async function refreshOf(server: TestServer, session: { refreshToken: string }) {
  return ok(server.gql(REFRESH, { token: session.refreshToken }), 'refreshToken');
}

describe('security notices', () => {
  let world: MailWorld;
  beforeEach(async () => {
    world = await mailWorld();
  });
  afterEach(async () => {
    await world.server.close();
    await world.smtp.stop();
  });

  const subjects = (world: MailWorld) => world.smtp.mails.map((m) => m.subject);

  it('password changed, a new device, deactivation and deletion each send one notice to the verified address, saying when and from where', async () => {
    const { server, smtp } = world;
    const admin = await makeAdmin(server, 'root');
    await verifiedAccount(world, 'alice', 'alice@example.com');
    const fresh = await login(server, 'alice', PASSWORD); // same device as the registration: no notice
    await ok(server.gql(`mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }`, { i: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, as(fresh)), 'changePassword');
    await ok(server.gql(LOGIN, { input: { username: 'alice', password: NEW_PASSWORD } }, { headers: { 'user-agent': 'Elsewhere/1.0' } }), 'login');
    await settle(server);
    await smtp.waitFor(3);
    expect(subjects(world)).toEqual(['Confirm your e-mail address', 'Your password was changed', 'New sign-in to your account']);
    const notice = smtp.mails[2];
    expect(notice.text).toMatch(/When: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\)\. From: address 127\.0\.0\.1, browser or app "Elsewhere\/1\.0"\./);
    expect(notice.text).toContain('If this was not you');

    const bob = await verifiedAccount(world, 'bob', 'bob@example.com');
    await ok(server.gql(`mutation ($id: ID!) { setUserActive(userId: $id, active: false) { id } }`, { id: bob.user.id }, as(admin)), 'setUserActive');
    const carol = await verifiedAccount(world, 'carol', 'carol@example.com');
    await ok(server.gql('mutation ($p: String!) { deleteAccount(currentPassword: $p) }', { p: PASSWORD }, as(carol)), 'deleteAccount');
    await settle(server);
    await smtp.waitFor(7);
    const rest = smtp.mails.slice(3).map((m) => `${m.to}: ${m.subject}`);
    expect(rest.sort()).toEqual(['bob@example.com: Confirm your e-mail address', 'bob@example.com: Your account was deactivated', 'carol@example.com: Confirm your e-mail address', 'carol@example.com: Your account was deleted']);
  });

  it('an unverified address gets no notices', async () => {
    const { server, smtp } = world;
    const alice = await registerWithEmail(server, 'alice', 'alice@example.com');
    await ok(server.gql(`mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }`, { i: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, as(alice)), 'changePassword');
    await settle(server);
    expect(subjects(world)).toEqual(['Confirm your e-mail address']);
    void smtp;
  });
});
