import { API_TOKEN_FIELDS, as, createApiToken, createRole, makeAdmin, ok, PASSWORD, userWithRole } from '../../helpers/access';
import { firstError, LOGIN, login, ME, REFRESH } from '../../helpers/server';
import { EmailToken } from '../../../src/modules/email/email-token.entity';
import { OutboxMail } from '../../../src/modules/mail/outbox.entity';
import { COMPLETE, enrolTotp, totpAt } from '../../helpers/mfa';
import { mailWorld, ME_EMAIL, NEW_PASSWORD, PUBLIC_URL, REQUEST_RESET, RESET, SEND_RESET, settle, verifiedAccount, type MailWorld } from '../../helpers/email';

describe('password reset by mail', () => {
  let world: MailWorld;
  beforeEach(async () => {
    world = await mailWorld();
  });
  afterEach(async () => {
    await world.server.close();
    await world.smtp.stop();
  });

  /** Asks for a reset and returns the mail that arrives for it. */
  async function resetMail(email: string) {
    const before = world.smtp.mails.length;
    expect((await world.server.gql(REQUEST_RESET, { email })).body).toEqual({ data: { requestPasswordReset: true } });
    for (let n = before + 1; ; n++) {
      const found = (await world.smtp.waitFor(n)).slice(before).find((m) => m.subject === 'Reset your password');
      if (found) return found;
    }
  }

  it('mails one working link to the address (any letter case): the reset ends every session and API token and signs in anew', async () => {
    const { server, smtp } = world;
    const first = await verifiedAccount(world, 'alice', 'Alice@Example.COM');
    const script = await createApiToken(server, first, []);
    const mail = await resetMail('alice@example.com');
    expect(mail).toMatchObject({ to: 'Alice@example.com', subject: 'Reset your password' });
    expect(mail.from).toContain('<auth@app.test>');
    expect(mail.link).toMatch(new RegExp(`^${PUBLIC_URL}/app/reset-password#token=tge_[A-Za-z0-9_-]{43}$`));
    expect(mail.html).toContain(mail.link);

    const reset = await ok(server.gql(RESET, { token: mail.token, password: NEW_PASSWORD }), 'resetPassword');
    expect(reset.user).toMatchObject({ username: 'alice' });
    expect((await server.gql(ME_EMAIL, {}, as(reset))).body.data.me).toMatchObject({ email: 'Alice@example.com', emailVerified: true });
    expect(firstError(await server.gql(REFRESH, { token: first.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    expect(firstError(await server.gql(ME, {}, { token: script.token }))).toMatchObject({ reason: 'API_TOKEN_REVOKED' });
    expect((await server.gql(ME, {}, as(reset))).body.data.me.username).toBe('alice');
    expect(firstError(await server.gql(LOGIN, { input: { username: 'alice', password: PASSWORD } }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
    await login(server, 'alice', NEW_PASSWORD);

    await settle(server);
    const notice = await smtp.waitFor(3);
    expect(notice.map((m) => m.subject)).toEqual(['Confirm your e-mail address', 'Reset your password', 'Your password was reset']);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(3); // each arrived once
  });

  it('asks an account with a second factor for it: the link resets the password but opens no session by itself', async () => {
    const { server } = world;
    const alice = await verifiedAccount(world, 'alice', 'alice@example.com');
    const { secret } = await enrolTotp(server, alice.accessToken);
    const mail = await resetMail('alice@example.com');
    const res = await server.gql(RESET, { token: mail.token, password: NEW_PASSWORD });
    expect(res.body.data).toBeNull();
    const step = firstError(res);
    expect(step).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED' });
    // The password did change (the old one fails) and every earlier session ended.
    expect(firstError(await server.gql(REFRESH, { token: alice.refreshToken }))).toMatchObject({ reason: 'TOKEN_REVOKED' });
    expect(firstError(await server.gql(LOGIN, { input: { username: 'alice', password: PASSWORD } }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
    server.clock.advance(30);
    const signedIn = await ok(server.gql(COMPLETE, { t: step.mfaToken, code: totpAt(secret, server.clock.now()) }), 'completeMfaLogin');
    expect((await server.gql(ME, {}, as(signedIn))).body.data.me.username).toBe('alice');
  });

  it('refuses a used, superseded, expired or tampered token, each with its own reason', async () => {
    const { server } = world;
    await verifiedAccount(world, 'alice', 'alice@example.com');
    const older = await resetMail('alice@example.com');
    const newer = await resetMail('alice@example.com');
    const refused = async (token: string | null) => firstError(await server.gql(RESET, { token, password: NEW_PASSWORD }));

    expect(await refused(older.token)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token', reason: 'TOKEN_SUPERSEDED' });
    const tampered = newer.token!.slice(0, -1) + (newer.token!.endsWith('A') ? 'B' : 'A');
    expect(await refused(tampered)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token', reason: 'TOKEN_INVALID' });
    expect(await refused('not-a-token')).toMatchObject({ reason: 'TOKEN_INVALID' });
    await ok(server.gql(RESET, { token: newer.token, password: NEW_PASSWORD }), 'resetPassword');
    expect(await refused(newer.token)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token', reason: 'TOKEN_USED' });

    const late = await resetMail('alice@example.com');
    server.clock.advance(30 * 60);
    expect(await refused(late.token)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token', reason: 'TOKEN_EXPIRED' });
  });

  it('a password change makes earlier reset links useless', async () => {
    const { server } = world;
    const session = await verifiedAccount(world, 'alice', 'alice@example.com');
    const mail = await resetMail('alice@example.com');
    await ok(server.gql(`mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }`, { i: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, as(session)), 'changePassword');
    expect(firstError(await server.gql(RESET, { token: mail.token, password: 'yet another passphrase 7' }))).toMatchObject({ reason: 'TOKEN_SUPERSEDED' });
  });

  it('applies the password policy before using the token, which still works afterwards', async () => {
    const { server } = world;
    await verifiedAccount(world, 'alice', 'alice@example.com');
    const mail = await resetMail('alice@example.com');
    expect(firstError(await server.gql(RESET, { token: mail.token, password: 'short' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    await ok(server.gql(RESET, { token: mail.token, password: NEW_PASSWORD }), 'resetPassword');
  });

  it('does the same work in the request for a known and an unknown address: one queued row each, the lookup later', async () => {
    const { server, smtp } = world;
    await verifiedAccount(world, 'alice', 'alice@example.com');
    await server.app.mailWorker!.stop(); // hold the outbox as the requests leave it
    const em = server.app.orm.em.fork();
    await em.nativeDelete(OutboxMail, {});
    const tokensBefore = await em.count(EmailToken, {});
    const known = await server.gql(REQUEST_RESET, { email: 'alice@example.com' });
    const unknown = await server.gql(REQUEST_RESET, { email: 'nobody@example.com' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    const rows = await em.find(OutboxMail, {}, { orderBy: { id: 'asc' } });
    const shape = (r: OutboxMail) => ({ template: r.template, userId: r.userId, status: r.status, attempts: r.attempts, payloadLength: r.payload!.length - (r.payload!.length % 4) });
    expect(rows.map(shape)).toEqual([shape(rows[0]), shape(rows[0])]);
    expect(rows[0]).toMatchObject({ template: 'password-reset-request', userId: null, status: 'QUEUED' });
    expect(rows.some((r) => r.payload!.includes('example.com'))).toBe(false); // sealed
    expect(await em.count(EmailToken, {})).toBe(tokensBefore);
    expect(smtp.mails).toHaveLength(1); // only the verification so far
  });

  it('sends nothing for an unknown address, an unverified typo, or a deactivated account', async () => {
    const { server, smtp } = world;
    const admin = await makeAdmin(server, 'root');
    const bob = await verifiedAccount(world, 'bob', 'bob@example.com');
    await ok(server.gql(`mutation ($id: ID!) { setUserActive(userId: $id, active: false) { id } }`, { id: bob.user.id }, as(admin)), 'setUserActive');
    await settle(server);
    const before = smtp.mails.length;
    for (const email of ['nobody@example.com', 'bob@example.com']) expect((await server.gql(REQUEST_RESET, { email })).body.data.requestPasswordReset).toBe(true);
    await settle(server);
    expect(smtp.mails.slice(before)).toEqual([]);
    expect(await server.app.orm.em.fork().count(OutboxMail, { template: 'password-reset-request', status: 'SENT' })).toBe(2);
  });

  it('sendPasswordReset: users:manage sends the link for a support case, audited; not for an account holding what the actor lacks', async () => {
    const { server, smtp } = world;
    const admin = await makeAdmin(server, 'root');
    await createRole(server, admin, 'SUPPORT', ['users:manage']);
    const support = await userWithRole(server, admin, 'desk', 'SUPPORT');
    const alice = await verifiedAccount(world, 'alice', 'alice@example.com');
    const before = smtp.mails.length;
    expect(await ok(server.gql(SEND_RESET, { userId: alice.user.id }, as(support)), 'sendPasswordReset')).toBe(true);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail).toMatchObject({ to: 'alice@example.com', subject: 'Reset your password' });
    expect(mail.text).toContain('An administrator sent you this link');
    await ok(server.gql(RESET, { token: mail.token, password: NEW_PASSWORD }), 'resetPassword');

    const rootId = (await server.gql(ME, {}, as(admin))).body.data.me.id;
    expect(firstError(await server.gql(SEND_RESET, { userId: rootId }, as(support)))).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_NOT_HELD' });
    expect(firstError(await server.gql(SEND_RESET, { userId: alice.user.id }, as(await login(server, 'alice', NEW_PASSWORD))))).toMatchObject({ code: 'FORBIDDEN', missing: 'users:manage' });
    const noMail = await userWithRole(server, admin, 'nomail', 'USER');
    expect(firstError(await server.gql(SEND_RESET, { userId: noMail.user.id }, as(support)))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NO_EMAIL' });

    await server.app.services.events.flush();
    await server.app.services.audit.flush();
    const audit = await server.gql(`query ($t: AuditEventType) { auditEvents(first: 10, type: $t) { edges { node { type userId detail } } } }`, { t: 'PASSWORD_RESET_SENT' }, as(admin));
    expect(audit.body.data.auditEvents.edges.map((e: any) => e.node)).toEqual([{ type: 'PASSWORD_RESET_SENT', userId: alice.user.id, detail: JSON.stringify({ by: support.user.id }) }]);
    void API_TOKEN_FIELDS;
  });
});
