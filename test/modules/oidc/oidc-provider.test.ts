import { AuditEvent } from '../../../src/modules/audit/audit-event.entity';
import { User } from '../../../src/modules/user/user.entity';
import { Browser } from '../../helpers/browser';
import { freePort, startOidcProvider, type TestProvider } from '../../helpers/oidc-provider';
import { createTestServer, firstError, LOGIN, login, ME, REFRESH, register, type TestServer } from '../../helpers/server';
import { LOOSE_LIMITS } from './env';
import { claimsOf, enrolTotp, totpAt } from '../../helpers/mfa';

const COMPLETE = `mutation($code: String!) { completeExternalLogin(code: $code) { accessToken refreshToken sessionId user { id username hasPassword } } }`;
const IDENTITIES = `{ myIdentities { id provider providerName subject email createdAt lastUsedAt } }`;
const LINK = `mutation($provider: ID!, $redirect: String) { linkIdentity(provider: $provider, redirect: $redirect) { url expiresAt } }`;
const UNLINK = `mutation($id: ID!) { unlinkIdentity(id: $id) }`;
const SET_PASSWORD = `mutation($p: String!) { setPassword(newPassword: $p) }`;
const ACCOUNTS = [
  { sub: 'alice-sub', preferred_username: 'alice', email: 'alice@corp.example' },
  { sub: 'alice-twin', preferred_username: 'alice', email: 'alice.other@corp.example' },
  { sub: 'carol-sub', email: 'carol.smith@corp.example' },
  { sub: 'dave-sub', preferred_username: 'dave', email: 'dave@corp.example' },
  { sub: 'erin-verified', preferred_username: 'erinv', email: 'Erin@Corp.Example', email_verified: true },
  { sub: 'erin-again', preferred_username: 'erinv2', email: 'erin@corp.example', email_verified: true },
  { sub: 'frank-unverified', preferred_username: 'frank', email: 'frank@corp.example', email_verified: false },
  { sub: 'twofa-sub', preferred_username: 'twofa', email: 'twofa@corp.example' },
];

let provider: TestProvider;
let server: TestServer;
let cookieServer: TestServer;
let base: string;
let cookieBase: string;
/** An origin a separate client (a SPA elsewhere, a mobile app's claimed https link) is served from. */
const appOrigin = 'http://127.0.0.1:1';

beforeAll(async () => {
  // Redirect URIs are registered with the provider before tokengate starts, so both ports are chosen first.
  const [port, cookiePort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  cookieBase = `http://127.0.0.1:${cookiePort}`;
  provider = await startOidcProvider({
    clients: [
      { client_id: 'tokengate', client_secret: 'tokengate-secret-0123456789', redirect_uris: [`${base}/auth/oidc/corp/callback`, `${cookieBase}/auth/oidc/corp/callback`] },
      { client_id: 'tokengate-public', redirect_uris: [`${base}/auth/oidc/pub/callback`] },
    ],
    accounts: ACCOUNTS,
  });
  const env = (port: number, extra: Record<string, string> = {}) => ({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    OIDC_REDIRECT_ORIGINS: appOrigin,
    OIDC_PROVIDERS: 'corp,pub',
    OIDC_CORP_ISSUER: provider.issuer,
    OIDC_CORP_CLIENT_ID: 'tokengate',
    OIDC_CORP_CLIENT_SECRET: 'tokengate-secret-0123456789',
    OIDC_CORP_NAME: 'Corp SSO',
    OIDC_PUB_ISSUER: provider.issuer,
    OIDC_PUB_CLIENT_ID: 'tokengate-public',
    ...LOOSE_LIMITS,
    ...extra,
  });
  server = await createTestServer(env(port));
  cookieServer = await createTestServer(env(cookiePort, { REFRESH_COOKIE: 'true' }));
});
afterAll(async () => {
  await server?.close();
  await cookieServer?.close();
  await provider?.close();
});

/**
 * Opens a start (or link) URL in `browser`, signs in at the provider as `account` (any password), consents,
 * and returns where tokengate finally sends the browser.
 */
async function signIn(url: string, account: string, browser = new Browser(), onServer = base): Promise<URL> {
  const result = await browser.drive(url, {
    stop: (next) => next.origin !== provider.issuer && !(next.origin === onServer && next.pathname.startsWith('/auth/oidc/')),
    onForm: (_page, hidden): Record<string, string> => (hidden.prompt === 'login' ? { login: account, password: 'any password' } : {}),
  });
  if (!result.location) throw new Error(`flow ended on a page: ${result.page.status} ${result.page.body.slice(0, 200)}`);
  return new URL(result.location);
}

const start = (providerId = 'corp', redirect = '/app', root = base) => `${root}/auth/oidc/${providerId}/start?redirect=${encodeURIComponent(redirect)}`;

/** A full sign-in ending in completeExternalLogin; returns its AuthPayload. */
async function signInWithCode(account: string, providerId = 'corp'): Promise<any> {
  const target = await signIn(start(providerId), account);
  const code = target.searchParams.get('code');
  if (!code) throw new Error('no code: ' + target.href);
  const res = await server.gql(COMPLETE, { code });
  if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.completeExternalLogin;
}

async function audit(type: string): Promise<AuditEvent[]> {
  await server.app.services.audit.flush();
  return server.app.orm.em.fork().find(AuditEvent, { type: type as AuditEvent['type'] }, { orderBy: { id: 'asc' } });
}

describe('providers', () => {
  it('lists the configured providers for the sign-in buttons (public)', async () => {
    const res = await server.gql(`{ authProviders { id name available startUrl } }`);
    expect(res.body.data.authProviders).toEqual([
      { id: 'corp', name: 'Corp SSO', available: true, startUrl: `${base}/auth/oidc/corp/start` },
      { id: 'pub', name: 'pub', available: true, startUrl: `${base}/auth/oidc/pub/start` },
    ]);
  });
});

describe('signing in', () => {
  let alice: any;

  it('first sign-in creates the account (no password), delivered by a one-time code on a same-origin path', async () => {
    const target = await signIn(start('corp', '/app/home?tab=1'), 'alice-sub');
    expect(target.origin + target.pathname).toBe(`${base}/app/home`);
    expect(target.searchParams.get('tab')).toBe('1');
    const code = target.searchParams.get('code')!;
    expect(code).toMatch(/^tgc_[A-Za-z0-9_-]{43}$/);
    const res = await server.gql(COMPLETE, { code });
    alice = res.body.data.completeExternalLogin;
    expect(alice.user).toMatchObject({ username: 'alice', hasPassword: false });
    expect(alice.refreshToken).toMatch(/^tgr_/);
    const registered = await audit('REGISTERED');
    expect(JSON.parse(registered.at(-1)!.detail!)).toEqual({ method: 'oidc', provider: 'corp' });
    expect(registered.at(-1)!.userId).toBe(alice.user.id);
  });

  it('`me` works with the issued access token, and the identity is listed', async () => {
    const me = await server.gql(ME, {}, { token: alice.accessToken });
    expect(me.body.data.me).toMatchObject({ id: alice.user.id, username: 'alice' });
    const ids = await server.gql(IDENTITIES, {}, { token: alice.accessToken });
    expect(ids.body.data.myIdentities).toEqual([
      expect.objectContaining({ provider: 'corp', providerName: 'Corp SSO', subject: 'alice-sub', email: 'alice@corp.example' }),
    ]);
  });

  it('the one-time code works once', async () => {
    const target = await signIn(start(), 'alice-sub');
    const code = target.searchParams.get('code')!;
    expect((await server.gql(COMPLETE, { code })).body.data.completeExternalLogin.user.id).toBe(alice.user.id);
    const again = await server.gql(COMPLETE, { code });
    expect(firstError(again)).toMatchObject({ code: 'INVALID_LOGIN_CODE' });
    expect(again.body.data).toBeNull();
  });

  it('the one-time code expires after 60 seconds', async () => {
    const code = (await signIn(start(), 'alice-sub')).searchParams.get('code')!;
    server.clock.advance(61);
    try {
      expect(firstError(await server.gql(COMPLETE, { code }))).toMatchObject({ code: 'INVALID_LOGIN_CODE' });
    } finally {
      server.clock.advance(-61);
    }
  });

  it('refuses codes that were never issued', async () => {
    for (const code of ['', 'tgc_x', `tgc_${'A'.repeat(43)}`, `tgl_${'A'.repeat(43)}`]) {
      expect(firstError(await server.gql(COMPLETE, { code }))).toMatchObject({ code: 'INVALID_LOGIN_CODE' });
    }
  });

  it('the second sign-in finds the account, also with the provider session already open (SSO)', async () => {
    const browser = new Browser();
    const first = await signIn(start(), 'alice-sub', browser);
    const second = await signIn(start(), 'alice-sub', browser);
    await server.app.orm.em.fork().nativeUpdate(User, { id: alice.user.id }, { lastSignInAt: null });
    for (const target of [first, second]) {
      const res = await server.gql(COMPLETE, { code: target.searchParams.get('code') });
      expect(res.body.data.completeExternalLogin.user.id).toBe(alice.user.id);
      // A provider sign-in is a sign-in (the admin console's "last sign-in").
      const me = await server.gql(`{ me { lastSignInAt } }`, {}, { token: res.body.data.completeExternalLogin.accessToken });
      expect(me.body.data.me.lastSignInAt).toBe(server.clock.now().toISOString());
    }
    const ids = await server.gql(IDENTITIES, {}, { token: alice.accessToken });
    expect(ids.body.data.myIdentities).toHaveLength(1);
  });

  it('makes usernames unique and derives them from the e-mail when there is no preferred_username', async () => {
    expect((await signInWithCode('alice-twin')).user.username).toBe('alice-2');
    expect((await signInWithCode('carol-sub')).user.username).toBe('carol.smith');
    // A bare subject (no names at all) still gets a valid name.
    expect((await signInWithCode('x')).user.username).toBe('user');
  });

  it('never links by e-mail: a provider account named like a local one gets its own account', async () => {
    const local = await register(server, 'dave', 'dave local password 1');
    const viaProvider = await signInWithCode('dave-sub');
    expect(viaProvider.user.id).not.toBe(local.user.id);
    expect(viaProvider.user.username).toBe('dave-2');
  });

  it("takes the provider's e-mail when it is verified and no other account holds it", async () => {
    const contact = async (payload: any) => (await server.gql('{ me { email emailVerified } }', {}, { token: payload.accessToken })).body.data.me;
    expect(await contact(await signInWithCode('erin-verified'))).toEqual({ email: 'Erin@corp.example', emailVerified: true });
    expect(await contact(await signInWithCode('erin-again'))).toEqual({ email: null, emailVerified: false });
    expect(await contact(await signInWithCode('frank-unverified'))).toEqual({ email: null, emailVerified: false });
  });

  it('works with a public client (no secret, PKCE only)', async () => {
    const payload = await signInWithCode('alice-sub', 'pub');
    // Another provider id is another identity namespace: a new account, not alice's.
    expect(payload.user.id).not.toBe(alice.user.id);
  });

  it('a cancelled sign-in at the provider comes back as ACCESS_DENIED', async () => {
    const result = await new Browser().drive(start(), {
      stop: (next) => next.origin !== provider.issuer && !next.pathname.startsWith('/auth/oidc/'),
      onForm: () => 'cancel',
    });
    const target = new URL(result.location!);
    expect(target.origin + target.pathname).toBe(`${base}/app`);
    expect(target.searchParams.get('error')).toBe('ACCESS_DENIED');
    expect(target.searchParams.get('code')).toBeNull();
  });
});

describe('with a second factor', () => {
  it('a provider sign-in answers MFA_REQUIRED too; the second step opens a session with amr fed', async () => {
    const first = await signInWithCode('twofa-sub');
    expect(claimsOf(first.accessToken).amr).toEqual(['fed']);
    const { secret } = await enrolTotp(server, first.accessToken);
    const code = (await signIn(start(), 'twofa-sub')).searchParams.get('code')!;
    const res = await server.gql(COMPLETE, { code });
    expect(res.body.data).toBeNull();
    const ext = firstError(res);
    expect(ext).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MFA_REQUIRED', methods: ['totp', 'recovery_code'] });
    const done = await server.gql(`mutation ($t: String!, $c: String!) { completeMfaLogin(mfaToken: $t, code: $c) { accessToken user { id } } }`, { t: ext.mfaToken, c: totpAt(secret, server.clock.now()) });
    expect(done.body.data.completeMfaLogin.user.id).toBe(first.user.id);
    expect(claimsOf(done.body.data.completeMfaLogin.accessToken)).toMatchObject({ amr: ['fed', 'otp', 'mfa'], acr: 'urn:tokengate:mfa' });
  });
});

describe('accounts without a password', () => {
  it('cannot log in with a password, whatever is typed', async () => {
    const res = await server.gql(LOGIN, { input: { username: 'alice', password: 'any password at all' } });
    expect(firstError(res)).toMatchObject({ code: 'BAD_CREDENTIALS' });
  });

  it('setPassword needs a recent sign-in', async () => {
    const payload = await signInWithCode('carol-sub');
    server.clock.advance(601);
    try {
      const res = await server.gql(SET_PASSWORD, { p: 'carol new password 1' }, { token: payload.accessToken });
      expect(firstError(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
    } finally {
      server.clock.advance(-601);
    }
  });

  it('setPassword sets one once; then login works and setPassword is refused', async () => {
    const payload = await signInWithCode('carol-sub');
    expect((await server.gql(SET_PASSWORD, { p: 'password' }, { token: payload.accessToken })).body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect((await server.gql(SET_PASSWORD, { p: 'carol new password 1' }, { token: payload.accessToken })).body.data.setPassword).toBe(true);
    const me = await server.gql(`{ me { hasPassword } }`, {}, { token: payload.accessToken });
    expect(me.body.data.me.hasPassword).toBe(true);
    expect((await login(server, 'carol.smith', 'carol new password 1')).user.id).toBe(payload.user.id);
    const again = await server.gql(SET_PASSWORD, { p: 'carol other password 2' }, { token: payload.accessToken });
    expect(firstError(again)).toMatchObject({ code: 'PASSWORD_ALREADY_SET' });
    expect((await audit('PASSWORD_SET')).map((e) => e.userId)).toContain(payload.user.id);
  });
});

/** linkIdentity asked from `browser` (as the web app's fetch would), so the link cookie lands in its jar; returns the URL. */
async function linkUrl(browser: Browser, token: string, variables: Record<string, unknown>): Promise<string> {
  const page = await browser.request(server.url, { json: { query: LINK, variables }, headers: { authorization: `Bearer ${token}` } });
  const body = JSON.parse(page.body);
  if (!body.data?.linkIdentity) throw new Error('linkIdentity failed: ' + page.body);
  return body.data.linkIdentity.url;
}

describe('deleteAccount of an account made by a provider', () => {
  const DELETE = `mutation ($p: String) { deleteAccount(currentPassword: $p) }`;

  it('needs no password after a fresh provider sign-in, and is refused once that sign-in is no longer recent', async () => {
    const stale = await signInWithCode('dave-sub');
    server.clock.advance(601);
    try {
      expect(firstError(await server.gql(DELETE, {}, { token: stale.accessToken }))).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
    } finally {
      server.clock.advance(-601);
    }
    const fresh = await signInWithCode('dave-sub');
    expect((await server.gql(DELETE, {}, { token: fresh.accessToken })).body.data.deleteAccount).toBe(true);
    expect(firstError(await server.gql(`{ me { id } }`, {}, { token: fresh.accessToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('an account with a password still needs it', async () => {
    const frank = await register(server, 'frank_pw', 'frank local password 1');
    expect(firstError(await server.gql(DELETE, {}, { token: frank.accessToken }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect(firstError(await server.gql(DELETE, { p: 'wrong password 123' }, { token: frank.accessToken }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
  });
});

describe('linking', () => {
  let erin: any;
  beforeAll(async () => {
    erin = await register(server, 'erin', 'erin local password 1');
  });

  it('links a provider account to the signed-in account; signing in with it then opens that account', async () => {
    const browser = new Browser();
    const url = await linkUrl(browser, erin.accessToken, { provider: 'corp', redirect: '/settings' });
    expect(url).toMatch(new RegExp(`^${base}/auth/oidc/corp/start\\?`));
    const target = await signIn(url, 'erin-at-corp', browser);
    expect(target.origin + target.pathname).toBe(`${base}/settings`);
    expect(target.searchParams.get('linked')).toBe('corp');
    expect(target.searchParams.get('code')).toBeNull();
    const ids = await server.gql(IDENTITIES, {}, { token: erin.accessToken });
    expect(ids.body.data.myIdentities.map((i: any) => i.subject)).toEqual(['erin-at-corp']);
    expect((await signInWithCode('erin-at-corp')).user.id).toBe(erin.user.id);
    expect((await audit('IDENTITY_LINKED')).map((e) => e.userId)).toContain(erin.user.id);
  });

  it('binds the link URL to the asking browser with an HttpOnly __Host- cookie', async () => {
    const browser = new Browser();
    await linkUrl(browser, erin.accessToken, { provider: 'corp' });
    const cookie = browser.received.find((c) => c.startsWith('__Host-tokengate-link='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it("a link URL opened in someone else's browser links nothing (link CSRF)", async () => {
    const mallory = await register(server, 'mallory', 'mallory local password 1');
    const url = await linkUrl(new Browser(), mallory.accessToken, { provider: 'corp', redirect: '/app/' });
    // The victim's browser (another cookie jar) opens the attacker's URL and signs in at the provider as themselves.
    const target = await signIn(url, 'victim-sub', new Browser());
    expect(target.searchParams.get('linked')).toBeNull();
    expect(target.searchParams.get('error')).toBe('LINK_BROWSER_MISMATCH');
    expect((await server.gql(IDENTITIES, {}, { token: mallory.accessToken })).body.data.myIdentities).toEqual([]);
    // The victim's next provider sign-in opens the victim's own (new) account, not mallory's.
    expect((await signInWithCode('victim-sub')).user.id).not.toBe(mallory.user.id);
  });

  it('a link flow must come back to its callback with the link cookie still there', async () => {
    const browser = new Browser();
    const url = await linkUrl(browser, erin.accessToken, { provider: 'corp' });
    const result = await browser.drive(url, {
      stop: (next) => next.pathname.endsWith('/callback'),
      onForm: (_page, hidden): Record<string, string> => (hidden.prompt === 'login' ? { login: 'erin-third', password: 'any password' } : {}),
    });
    browser.forget('__Host-tokengate-link');
    const page = await browser.request(result.location!);
    expect(new URL(page.headers.get('location')!).searchParams.get('error')).toBe('LINK_BROWSER_MISMATCH');
    const ids = await server.gql(IDENTITIES, {}, { token: erin.accessToken });
    expect(ids.body.data.myIdentities.map((i: any) => i.subject)).not.toContain('erin-third');
  });

  it('one browser can hold two link URLs at once', async () => {
    const browser = new Browser();
    const first = await linkUrl(browser, erin.accessToken, { provider: 'corp' });
    const second = await linkUrl(browser, erin.accessToken, { provider: 'corp' });
    expect((await signIn(second, 'erin-fourth', browser)).searchParams.get('linked')).toBe('corp');
    expect((await signIn(first, 'erin-fifth', browser)).searchParams.get('linked')).toBe('corp');
  });

  it('a link URL works once', async () => {
    const browser = new Browser();
    const url = await linkUrl(browser, erin.accessToken, { provider: 'corp', redirect: '/settings' });
    expect((await signIn(url, 'erin-second', browser)).searchParams.get('linked')).toBe('corp');
    const replay = await signIn(url, 'someone-else', browser);
    expect(replay.searchParams.get('error')).toBe('LINK_TICKET_INVALID');
  });

  it('a link URL dies with its session and after two minutes', async () => {
    const browser = new Browser();
    const fresh = await login(server, 'erin', 'erin local password 1');
    const url = await linkUrl(browser, fresh.accessToken, { provider: 'corp' });
    await server.gql(`mutation { logout }`, {}, { token: fresh.accessToken });
    expect((await signIn(url, 'never-linked', browser)).searchParams.get('error')).toBe('LINK_TICKET_INVALID');
    const other = await login(server, 'erin', 'erin local password 1');
    const late = await linkUrl(browser, other.accessToken, { provider: 'corp' });
    server.clock.advance(121);
    try {
      expect((await signIn(late, 'never-linked', browser)).searchParams.get('error')).toBe('LINK_TICKET_INVALID');
    } finally {
      server.clock.advance(-121);
    }
  });

  it('refuses an identity that belongs to another account', async () => {
    const browser = new Browser();
    const url = await linkUrl(browser, erin.accessToken, { provider: 'corp', redirect: '/settings' });
    const target = await signIn(url, 'alice-sub', browser);
    expect(target.searchParams.get('error')).toBe('IDENTITY_IN_USE');
  });

  it('needs a recent login, a known provider and an allowed redirect', async () => {
    server.clock.advance(601);
    try {
      expect(firstError(await server.gql(LINK, { provider: 'corp' }, { token: erin.accessToken }))).toMatchObject({ code: 'FORBIDDEN', reason: 'FRESH_LOGIN_REQUIRED' });
    } finally {
      server.clock.advance(-601);
    }
    expect(firstError(await server.gql(LINK, { provider: 'nope' }, { token: erin.accessToken }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_PROVIDER' });
    expect(firstError(await server.gql(LINK, { provider: 'corp', redirect: 'https://evil.example/' }, { token: erin.accessToken }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'REDIRECT_NOT_ALLOWED' });
    expect(firstError(await server.gql(LINK, { provider: 'corp' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('unlinking', () => {
  it('refuses to remove the only way into an account without a password, until another identity is linked', async () => {
    const frank = await signInWithCode('frank-sub');
    const [only] = (await server.gql(IDENTITIES, {}, { token: frank.accessToken })).body.data.myIdentities;
    expect(firstError(await server.gql(UNLINK, { id: only.id }, { token: frank.accessToken }))).toMatchObject({ code: 'LAST_SIGN_IN_METHOD' });

    const browser = new Browser();
    const url = await linkUrl(browser, frank.accessToken, { provider: 'corp' });
    expect((await signIn(url, 'frank-second', browser)).searchParams.get('linked')).toBe('corp');
    expect((await server.gql(UNLINK, { id: only.id }, { token: frank.accessToken })).body.data.unlinkIdentity).toBe(true);
    const [left] = (await server.gql(IDENTITIES, {}, { token: frank.accessToken })).body.data.myIdentities;
    expect(left.subject).toBe('frank-second');
    expect(firstError(await server.gql(UNLINK, { id: left.id }, { token: frank.accessToken }))).toMatchObject({ code: 'LAST_SIGN_IN_METHOD' });
    // The unlinked provider account is a stranger again: it gets a new account.
    expect((await signInWithCode('frank-sub')).user.id).not.toBe(frank.user.id);
  });

  it('lets an account with a password remove its only identity', async () => {
    const grace = await register(server, 'grace', 'grace local password 1');
    const browser = new Browser();
    await signIn(await linkUrl(browser, grace.accessToken, { provider: 'corp' }), 'grace-at-corp', browser);
    const [identity] = (await server.gql(IDENTITIES, {}, { token: grace.accessToken })).body.data.myIdentities;
    expect((await server.gql(UNLINK, { id: identity.id }, { token: grace.accessToken })).body.data.unlinkIdentity).toBe(true);
    expect((await server.gql(IDENTITIES, {}, { token: grace.accessToken })).body.data.myIdentities).toEqual([]);
    expect((await audit('IDENTITY_UNLINKED')).map((e) => e.userId)).toContain(grace.user.id);
  });

  it("reports someone else's identity as not found", async () => {
    const henry = await register(server, 'henry', 'henry local password 1');
    const alice = await signInWithCode('alice-sub');
    const [identity] = (await server.gql(IDENTITIES, {}, { token: alice.accessToken })).body.data.myIdentities;
    expect(firstError(await server.gql(UNLINK, { id: identity.id }, { token: henry.accessToken }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(firstError(await server.gql(UNLINK, { id: 'not-a-uuid' }, { token: henry.accessToken }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('cookie mode (REFRESH_COOKIE=true)', () => {
  it('a same-origin redirect gets the session as the refresh cookie, exactly like login', async () => {
    const browser = new Browser();
    const target = await signIn(start('corp', '/app', cookieBase), 'alice-sub', browser, cookieBase);
    expect(target.href).toBe(`${cookieBase}/app`);
    const cookie = browser.received.find((c) => c.startsWith('__Secure-tokengate-refresh='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/graphql/);
    // The page then asks for an access token with the cookie, as after a password login.
    const res = await fetch(cookieServer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `__Secure-tokengate-refresh=${browser.cookie('__Secure-tokengate-refresh')}` },
      body: JSON.stringify({ query: REFRESH }),
    });
    const body = (await res.json()) as any;
    expect(body.data.refreshToken).toMatchObject({ refreshToken: null, user: { id: expect.any(String) } });
    const me = await cookieServer.gql(`{ me { username } }`, {}, { token: body.data.refreshToken.accessToken });
    expect(me.body.data.me.username).toBe('alice');
  });

  it('mode=code asks for a one-time code instead (a fresh token for setPassword or linkIdentity)', async () => {
    const target = await signIn(`${start('corp', '/settings', cookieBase)}&mode=code`, 'alice-sub', new Browser(), cookieBase);
    const code = target.searchParams.get('code')!;
    expect(code).toMatch(/^tgc_/);
    const res = await fetch(cookieServer.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: COMPLETE, variables: { code } }) });
    const body = (await res.json()) as any;
    expect(body.data.completeExternalLogin.refreshToken).toBeNull(); // in the cookie
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Secure-tokengate-refresh='))).toBe(true);
  });

  it('an account with a second factor gets a one-time code instead of the cookie, and completeExternalLogin asks for the factor', async () => {
    const first = await signIn(`${start('corp', '/settings', cookieBase)}&mode=code`, 'twofa-sub', new Browser(), cookieBase);
    const signedIn = await cookieServer.gql(COMPLETE, { code: first.searchParams.get('code') });
    await enrolTotp(cookieServer, signedIn.body.data.completeExternalLogin.accessToken);
    const browser = new Browser();
    const target = await signIn(start('corp', '/app', cookieBase), 'twofa-sub', browser, cookieBase);
    expect(browser.received.some((c) => c.startsWith('__Secure-tokengate-refresh='))).toBe(false);
    const code = target.searchParams.get('code');
    expect(code).toMatch(/^tgc_/);
    expect(firstError(await cookieServer.gql(COMPLETE, { code }))).toMatchObject({ reason: 'MFA_REQUIRED' });
  });

  it('another origin gets a one-time code and no cookie', async () => {
    const browser = new Browser();
    const target = await signIn(start('corp', `${appOrigin}/cb`, cookieBase), 'alice-sub', browser, cookieBase);
    expect(target.origin).toBe(appOrigin);
    expect(target.searchParams.get('code')).toMatch(/^tgc_/);
    expect(browser.received.some((c) => c.startsWith('__Secure-tokengate-refresh='))).toBe(false);
  });
});
