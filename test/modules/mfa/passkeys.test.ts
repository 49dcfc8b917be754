import { createTestServer, firstError, register, type TestServer } from '../../helpers/server';
import { expectError, ok, PASSWORD } from '../../helpers/shop';
import { SoftAuthenticator } from '../../helpers/webauthn';
import { User } from '../../../src/modules/user/user.entity';
import { claimsOf, FINISH_LOGIN, FINISH_REG, MFA_STATUS, MY_PASSKEYS, passwordStep, START_LOGIN, START_REG } from '../../helpers/mfa';

const as = (token: string) => ({ token });
const ORIGIN = 'http://localhost:4000'; // the test server's default PUBLIC_URL
const RENAME = `mutation ($id: ID!, $name: String!) { renamePasskey(id: $id, name: $name) { id name } }`;
const DELETE = `mutation ($id: ID!) { deletePasskey(id: $id) }`;

describe('passkeys', () => {
  let server: TestServer;
  beforeEach(async () => (server = await createTestServer()));
  afterEach(() => server.close());

  /** Registers a passkey on a fresh account; returns the account's first payload and its authenticator. */
  async function withPasskey(username = 'alice'): Promise<{ alice: any; key: SoftAuthenticator; passkey: any }> {
    const alice = await register(server, username, PASSWORD);
    const key = new SoftAuthenticator(ORIGIN, 'localhost');
    const options = await ok(server.gql(START_REG, {}, as(alice.accessToken)), 'startPasskeyRegistration');
    const passkey = await ok(server.gql(FINISH_REG, { r: key.register(options), name: 'Laptop' }, as(alice.accessToken)), 'finishPasskeyRegistration');
    return { alice, key, passkey };
  }

  it('registers with user verification required, none attestation, a discoverable credential, and excludes the account’s own', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const options = JSON.parse(await ok(server.gql(START_REG, {}, as(alice.accessToken)), 'startPasskeyRegistration'));
    expect(options).toMatchObject({ rp: { id: 'localhost', name: 'tokengate' }, attestation: 'none', authenticatorSelection: { residentKey: 'required', userVerification: 'required' }, excludeCredentials: [] });
    const key = new SoftAuthenticator(ORIGIN, 'localhost');
    const passkey = await ok(server.gql(FINISH_REG, { r: key.register(JSON.stringify(options)) }, as(alice.accessToken)), 'finishPasskeyRegistration');
    expect(passkey).toMatchObject({ name: 'Passkey 1', lastUsedAt: null, backedUp: false });
    expect(await ok(server.gql(MY_PASSKEYS, {}, as(alice.accessToken)), 'myPasskeys')).toEqual([passkey]);
    expect(await ok(server.gql(MFA_STATUS, {}, as(alice.accessToken)), 'me')).toMatchObject({ mfaEnabled: true, mfaMethods: ['passkey'] });
    // Adding another is a factor change: the session from before has no second factor in it.
    const again = await server.gql(START_REG, {}, as(alice.accessToken));
    expect(again.status).toBe(401);
    expect(firstError(again)).toMatchObject({ reason: 'INSUFFICIENT_USER_AUTHENTICATION' });
    const signedIn = await ok(server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) }), 'finishPasskeyLogin');
    const next = JSON.parse(await ok(server.gql(START_REG, {}, as(signedIn.accessToken)), 'startPasskeyRegistration'));
    expect(next.excludeCredentials).toEqual([expect.objectContaining({ id: key.id })]);
  });

  it('is a second factor after the password: MFA_REQUIRED lists it and the assertion signs in with amr hwk', async () => {
    const { key } = await withPasskey();
    const { mfaToken, methods } = await passwordStep(server, 'alice', PASSWORD);
    expect(methods).toEqual(['passkey']);
    const options = JSON.parse(await ok(server.gql(START_LOGIN, { t: mfaToken }), 'startPasskeyLogin'));
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [expect.objectContaining({ id: key.id })] });
    const done = await ok(server.gql(FINISH_LOGIN, { r: key.assert(JSON.stringify(options)), t: mfaToken }), 'finishPasskeyLogin');
    expect(claimsOf(done.accessToken)).toMatchObject({ amr: ['pwd', 'hwk', 'user', 'mfa'], acr: 'urn:tokengate:mfa' });
    const [listed] = await ok(server.gql(MY_PASSKEYS, {}, as(done.accessToken)), 'myPasskeys');
    expect(listed.lastUsedAt).not.toBeNull();
    // The mfaToken is spent.
    expectError(await server.gql(START_LOGIN, { t: mfaToken }), { code: 'INVALID_MFA_TOKEN' });
  });

  it('signs in without a password (discoverable credential), which counts as multi-factor', async () => {
    const { key, alice } = await withPasskey();
    await server.app.orm.em.fork().nativeUpdate(User, { id: alice.user.id }, { lastSignInAt: null }); // set by the passkey sign-in below, not the registration
    const options = JSON.parse(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin'));
    expect(options.allowCredentials).toBeUndefined();
    expect(options.userVerification).toBe('required');
    const done = await ok(server.gql(FINISH_LOGIN, { r: key.assert(JSON.stringify(options)) }), 'finishPasskeyLogin');
    expect(done.user.id).toBe(alice.user.id);
    const claims = claimsOf(done.accessToken);
    expect(claims).toMatchObject({ amr: ['hwk', 'user', 'mfa'], acr: 'urn:tokengate:mfa' });
    expect(typeof claims.auth_time).toBe('number');
    // A passwordless sign-in is a sign-in too (the admin console's "last sign-in").
    const me = await server.gql(`{ me { lastSignInAt } }`, {}, as(done.accessToken));
    expect(me.body.data.me.lastSignInAt).toBe(server.clock.now().toISOString());
  });

  it('refuses a cloned authenticator whose counter goes back', async () => {
    const { key } = await withPasskey();
    const clone = key.clone();
    await ok(server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) }), 'finishPasskeyLogin');
    await ok(server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) }), 'finishPasskeyLogin');
    const res = await server.gql(FINISH_LOGIN, { r: clone.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) });
    expectError(res, { code: 'PASSKEY_REJECTED', reason: 'COUNTER_REGRESSION' });
  });

  it('spends a challenge once', async () => {
    const { key } = await withPasskey();
    const response = key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin'));
    await ok(server.gql(FINISH_LOGIN, { r: response }), 'finishPasskeyLogin');
    expectError(await server.gql(FINISH_LOGIN, { r: response }), { code: 'PASSKEY_REJECTED', reason: 'CHALLENGE_INVALID' });
  });

  it('refuses a challenge older than five minutes', async () => {
    const { key } = await withPasskey();
    const options = await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin');
    server.clock.advance(301);
    expectError(await server.gql(FINISH_LOGIN, { r: key.assert(options) }), { code: 'PASSKEY_REJECTED', reason: 'CHALLENGE_INVALID' });
  });

  it('refuses the wrong origin, and an assertion without user verification', async () => {
    const { key, alice } = await withPasskey();
    expectError(await server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin'), { origin: 'https://evil.example' }) }), { code: 'PASSKEY_REJECTED', reason: 'VERIFICATION_FAILED' });
    expectError(await server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin'), { userVerified: false }) }), { code: 'PASSKEY_REJECTED', reason: 'VERIFICATION_FAILED' });
    // Registration from another origin, with a fresh session on an account without passkeys.
    const bob = await register(server, 'bob', PASSWORD);
    const other = new SoftAuthenticator(ORIGIN, 'localhost');
    const options = await ok(server.gql(START_REG, {}, as(bob.accessToken)), 'startPasskeyRegistration');
    expectError(await server.gql(FINISH_REG, { r: other.register(options, { origin: 'https://evil.example' }) }, as(bob.accessToken)), { code: 'PASSKEY_REJECTED', reason: 'VERIFICATION_FAILED' });
    expect(alice.user.id).toBeDefined();
  });

  it('a challenge of one account cannot register a passkey for another', async () => {
    const alice = await register(server, 'alice', PASSWORD);
    const bob = await register(server, 'bob', PASSWORD);
    const options = await ok(server.gql(START_REG, {}, as(alice.accessToken)), 'startPasskeyRegistration');
    const key = new SoftAuthenticator(ORIGIN, 'localhost');
    expectError(await server.gql(FINISH_REG, { r: key.register(options) }, as(bob.accessToken)), { code: 'PASSKEY_REJECTED', reason: 'CHALLENGE_INVALID' });
  });

  it('renames, and deletes after a step-up; deleting the last one turns the second step off', async () => {
    const { key, passkey } = await withPasskey();
    const signedIn = await ok(server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) }), 'finishPasskeyLogin');
    expect(await ok(server.gql(RENAME, { id: passkey.id, name: '  Phone ' }, as(signedIn.accessToken)), 'renamePasskey')).toEqual({ id: passkey.id, name: 'Phone' });
    expectError(await server.gql(RENAME, { id: passkey.id, name: ' ' }, as(signedIn.accessToken)), { code: 'BAD_USER_INPUT', field: 'name' });
    server.clock.advance(601); // past FRESH_LOGIN_WINDOW
    const stale = await server.gql(DELETE, { id: passkey.id }, as(signedIn.accessToken));
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toBe('Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:tokengate:mfa", max_age=600');
    const again = await ok(server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) }), 'finishPasskeyLogin');
    expect(await ok(server.gql(DELETE, { id: passkey.id }, as(again.accessToken)), 'deletePasskey')).toBe(true);
    expect(await ok(server.gql(MFA_STATUS, {}, as(again.accessToken)), 'me')).toMatchObject({ mfaEnabled: false, mfaMethods: [] });
    expectError(await server.gql(FINISH_LOGIN, { r: key.assert(await ok(server.gql(START_LOGIN, {}), 'startPasskeyLogin')) }), { code: 'PASSKEY_REJECTED', reason: 'UNKNOWN_CREDENTIAL' });
  });
});
