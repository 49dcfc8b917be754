import { AuditEvent } from '../../../src/modules/audit/audit-event.entity';
import { Identity } from '../../../src/modules/oidc/identity.entity';
import { Browser, type Page } from '../../helpers/browser';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-oidc';
import { createTestServer, firstError, type TestServer } from '../../helpers/server';
import { LOOSE_LIMITS } from './env';

const PUBLIC_URL = 'https://tokengate.test';
const APP_ORIGIN = 'https://app.example.com';
const COMPLETE = `mutation($code: String!) { completeExternalLogin(code: $code) { accessToken user { id username hasPassword } } }`;

let fake: FakeProvider;
let server: TestServer;
let root: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  server = await createTestServer({
    PUBLIC_URL,
    OIDC_REDIRECT_ORIGINS: APP_ORIGIN,
    OIDC_PROVIDERS: 'fake,fakepub',
    OIDC_FAKE_ISSUER: fake.issuer,
    OIDC_FAKE_CLIENT_ID: fake.clientId,
    OIDC_FAKE_CLIENT_SECRET: fake.clientSecret,
    OIDC_FAKEPUB_ISSUER: fake.issuer,
    OIDC_FAKEPUB_CLIENT_ID: fake.clientId,
    ...LOOSE_LIMITS,
  });
  root = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

/** Starts a flow in a fresh browser; returns what the provider would have received. */
async function begin(redirect = '/app', provider = 'fake') {
  const browser = new Browser();
  const page = await browser.request(`${root}/auth/oidc/${provider}/start?redirect=${encodeURIComponent(redirect)}`);
  expect(page.status).toBe(302);
  const authorize = new URL(page.headers.get('location')!);
  expect(authorize.origin + authorize.pathname).toBe(`${fake.issuer}/authorize`);
  return { browser, authorize, state: authorize.searchParams.get('state')!, nonce: authorize.searchParams.get('nonce')! };
}

/** The provider's redirect back to tokengate, as the browser would follow it. */
const callback = (browser: Browser, params: Record<string, string>, provider = 'fake') =>
  browser.request(`${root}/auth/oidc/${provider}/callback?${new URLSearchParams(params)}`);

const location = (page: Page) => new URL(page.headers.get('location')!);
const errorOf = (page: Page) => {
  expect(page.status).toBe(302);
  return location(page).searchParams.get('error');
};

/** Runs one flow whose token endpoint answers with the ID token `forge` makes from the request's nonce. */
async function withToken(forge: (nonce: string) => Promise<string> | string, provider = 'fake'): Promise<Page> {
  const { browser, state, nonce } = await begin('/app', provider);
  fake.idToken = await forge(nonce);
  return callback(browser, { code: 'code-1', state }, provider);
}

async function refusals(): Promise<Array<{ reason: string; cause?: string; provider: string }>> {
  await server.app.services.audit.flush();
  const events = await server.app.orm.em.fork().find(AuditEvent, { type: 'OIDC_REFUSED' }, { orderBy: { id: 'asc' } });
  return events.map((e) => JSON.parse(e.detail!));
}

const lastRefusal = async () => (await refusals()).at(-1)!;

describe('a well-formed ID token (the control for every forgery below)', () => {
  it('signs in: redirect to the path with a one-time code, PKCE verifier and client authentication sent', async () => {
    const page = await withToken((nonce) => fake.sign(fake.claims(nonce)));
    const target = location(page);
    expect(target.origin + target.pathname).toBe(`${PUBLIC_URL}/app`);
    const code = target.searchParams.get('code')!;
    expect(code).toMatch(/^tgc_/);
    const request = fake.tokenRequests.at(-1)!;
    expect(request.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(request.grant_type).toBe('authorization_code');
    expect(request.redirect_uri).toBe(`${PUBLIC_URL}/auth/oidc/fake/callback`);
    const res = await server.gql(COMPLETE, { code });
    expect(res.body.data.completeExternalLogin.user).toMatchObject({ username: 'fake.user', hasPassword: false });
  });

  it('sends state, nonce and an S256 PKCE challenge, bound by an HttpOnly SameSite=Lax cookie', async () => {
    const { browser, authorize } = await begin();
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: fake.clientId,
      redirect_uri: `${PUBLIC_URL}/auth/oidc/fake/callback`,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
    });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(authorize.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const cookie = browser.received.find((c) => c.startsWith('__Host-tokengate-oidc='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/);
    // __Host-: Secure, Path=/ and no Domain, so no sibling subdomain can plant or overwrite it.
    expect(cookie).toMatch(/Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(/Max-Age=600/);
  });
});

describe('forged or mis-addressed ID tokens are refused', () => {
  it('signed with the wrong key (same kid)', async () => {
    const other = await fake.otherKey();
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce), { key: other })))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/signature/i);
  });

  it('alg none, although the provider advertises it', async () => {
    expect(errorOf(await withToken((nonce) => fake.unsigned(fake.claims(nonce))))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/unsupported JWS "alg"/);
  });

  it('HS256 keyed with the client secret (symmetric)', async () => {
    const secret = new TextEncoder().encode(fake.clientSecret);
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce), { alg: 'HS256', key: secret })))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/unsupported JWS algorithm/);
  });

  it('HS256 with a public client (no secret)', async () => {
    const key = new TextEncoder().encode('anything-an-attacker-likes-0123456789');
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce), { alg: 'HS256', key }), 'fakepub'))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/unsupported JWS algorithm/);
  });

  it('addressed to another client (aud)', async () => {
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce, { aud: 'someone-else' }))))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/aud/);
  });

  it('with an extra untrusted audience', async () => {
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce, { aud: [fake.clientId, 'someone-else'] }))))).toBe('ID_TOKEN_INVALID');
  });

  it('from another issuer (iss)', async () => {
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce, { iss: 'https://evil.example' }))))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/iss/);
  });

  it('expired (exp beyond the 30 s tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce, { iat: now - 600, exp: now - 120 }))))).toBe('ID_TOKEN_EXPIRED');
  });

  it('without iat', async () => {
    expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce, { iat: undefined }))))).toBe('ID_TOKEN_INVALID');
    expect((await lastRefusal()).cause).toMatch(/iat/);
  });

  it('with another nonce', async () => {
    expect(errorOf(await withToken(() => fake.sign(fake.claims('not-the-nonce-that-was-sent'))))).toBe('NONCE_MISMATCH');
  });

  it('without a nonce', async () => {
    expect(errorOf(await withToken(() => fake.sign(fake.claims('', { nonce: undefined }))))).toBe('NONCE_MISMATCH');
  });

  it('no refused token created an identity', async () => {
    const identities = await server.app.orm.em.fork().find(Identity, {});
    expect(identities.map((i) => i.subject)).toEqual(['fake-subject']);
  });
});

describe('state', () => {
  it('is single use: the same callback again is refused as replayed', async () => {
    const { browser, state, nonce } = await begin();
    fake.idToken = await fake.sign(fake.claims(nonce));
    const first = await callback(browser, { code: 'code-1', state });
    expect(location(first).searchParams.get('code')).toMatch(/^tgc_/);
    // A copy of the flow cookie (the browser's was cleared), as an attacker holding both would present it.
    const replay = await fetch(`${root}/auth/oidc/fake/callback?${new URLSearchParams({ code: 'code-1', state })}`, {
      redirect: 'manual',
      headers: { cookie: `__Host-tokengate-oidc=${state}` },
    });
    expect(new URL(replay.headers.get('location')!).searchParams.get('error')).toBe('STATE_REPLAYED');
  });

  it('clears the flow cookie on the callback', async () => {
    const { browser, state, nonce } = await begin();
    fake.idToken = await fake.sign(fake.claims(nonce));
    await callback(browser, { code: 'code-1', state });
    expect(browser.cookie('__Host-tokengate-oidc')).toBeUndefined();
  });

  it('must come back to the browser that started the flow (flow cookie)', async () => {
    const { state, nonce } = await begin();
    fake.idToken = await fake.sign(fake.claims(nonce));
    const tokensBefore = fake.tokenRequests.length;
    expect(errorOf(await callback(new Browser(), { code: 'code-1', state }))).toBe('STATE_MISMATCH');
    expect(fake.tokenRequests.length).toBe(tokensBefore); // the code is never exchanged
  });

  it('a callback without the flow cookie does not spend the state: the real browser still finishes', async () => {
    const { browser, state, nonce } = await begin();
    fake.idToken = await fake.sign(fake.claims(nonce));
    expect(errorOf(await callback(new Browser(), { code: 'code-1', state }))).toBe('STATE_MISMATCH');
    expect(location(await callback(browser, { code: 'code-1', state })).searchParams.get('code')).toMatch(/^tgc_/);
  });

  it('of one provider is refused at another provider`s callback', async () => {
    const { browser, state, nonce } = await begin('/app', 'fake');
    fake.idToken = await fake.sign(fake.claims(nonce));
    expect(errorOf(await callback(browser, { code: 'code-1', state }, 'fakepub'))).toBe('STATE_MISMATCH');
  });

  it('unknown or missing: JSON 400, since there is no validated place to redirect to', async () => {
    for (const query of ['state=never-issued&code=x', 'code=x', 'state=a&state=b&code=x']) {
      const res = await fetch(`${root}/auth/oidc/fake/callback?${query}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      const body = (await res.json()) as any;
      expect(body.errors[0].extensions).toEqual({ code: 'STATE_UNKNOWN' });
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i);
    }
    expect((await lastRefusal()).reason).toBe('STATE_UNKNOWN');
  });

  it('expires after 10 minutes', async () => {
    const { browser, state, nonce } = await begin();
    fake.idToken = await fake.sign(fake.claims(nonce));
    server.clock.advance(601);
    try {
      expect(errorOf(await callback(browser, { code: 'code-1', state }))).toBe('STATE_EXPIRED');
    } finally {
      server.clock.advance(-601);
    }
  });
});

describe('other refusals', () => {
  it('the provider answers access_denied (the person cancelled)', async () => {
    const { browser, state } = await begin();
    expect(errorOf(await callback(browser, { error: 'access_denied', error_description: 'End-User aborted', state }))).toBe('ACCESS_DENIED');
  });

  it('the provider answers another error', async () => {
    const { browser, state } = await begin();
    expect(errorOf(await callback(browser, { error: 'server_error', state }))).toBe('PROVIDER_ERROR');
  });

  it('an authorization response naming another issuer (RFC 9207 mix-up defence) is refused before any exchange', async () => {
    const { browser, state, nonce } = await begin();
    fake.idToken = await fake.sign(fake.claims(nonce));
    const before = fake.tokenRequests.length;
    expect(errorOf(await callback(browser, { code: 'code-1', state, iss: 'https://evil.example' }))).toBe('ID_TOKEN_INVALID');
    expect(fake.tokenRequests.length).toBe(before);
    expect((await lastRefusal()).cause).toMatch(/"iss"/);
  });

  it('the token endpoint refuses the code', async () => {
    const { browser, state } = await begin();
    fake.idToken = null;
    expect(errorOf(await callback(browser, { code: 'code-1', state }))).toBe('TOKEN_EXCHANGE_FAILED');
    expect((await lastRefusal()).cause).toMatch(/invalid_grant/);
  });

  it('an unknown provider, with a safe redirect', async () => {
    const page = await new Browser().request(`${root}/auth/oidc/nope/start?redirect=/app`);
    expect(errorOf(page)).toBe('UNKNOWN_PROVIDER');
    expect(location(page).origin).toBe(PUBLIC_URL);
  });

  it('an unknown mode', async () => {
    const page = await new Browser().request(`${root}/auth/oidc/fake/start?redirect=/app&mode=token`);
    expect(errorOf(page)).toBe('INVALID_REQUEST');
  });

  it('a deactivated account cannot sign in this way', async () => {
    const user = await server.app.orm.em.fork().findOneOrFail(Identity, { subject: 'fake-subject' });
    const em = server.app.orm.em.fork();
    await em.getConnection().execute('update users set is_active = ? where id = ?', [false, user.userId]);
    try {
      expect(errorOf(await withToken((nonce) => fake.sign(fake.claims(nonce))))).toBe('ACCOUNT_DISABLED');
    } finally {
      await em.getConnection().execute('update users set is_active = ? where id = ?', [true, user.userId]);
    }
  });

  it('every refusal is in the audit trail with its reason', async () => {
    const reasons = new Set((await refusals()).map((r) => r.reason));
    for (const reason of ['ID_TOKEN_INVALID', 'ID_TOKEN_EXPIRED', 'NONCE_MISMATCH', 'STATE_REPLAYED', 'STATE_MISMATCH', 'STATE_UNKNOWN', 'STATE_EXPIRED', 'ACCESS_DENIED', 'TOKEN_EXCHANGE_FAILED', 'UNKNOWN_PROVIDER', 'ACCOUNT_DISABLED']) {
      expect(reasons).toContain(reason);
    }
  });
});

describe('redirect targets (no open redirect)', () => {
  const refused = [
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://evil.example/',
    'http://app.example.com/',
    'https://app.example.com.evil.example/',
    'https://app.example.com@evil.example/',
    'https://user:pass@app.example.com/',
    `${PUBLIC_URL}.evil.example/`,
    'evil.example',
    'app',
    '/app\r\nLocation: https://evil.example',
  ];

  it.each(refused)('refuses %j with a JSON 400 and no Location', async (redirect) => {
    const res = await fetch(`${root}/auth/oidc/fake/start?redirect=${encodeURIComponent(redirect)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('REDIRECT_NOT_ALLOWED');
  });

  it('percent-encoded CR LF stays a path on this origin (never a header)', async () => {
    const { browser, state, nonce } = await begin('/%0d%0aLocation:%20https://evil.example');
    fake.idToken = await fake.sign(fake.claims(nonce));
    const target = location(await callback(browser, { code: 'code-1', state }));
    expect(target.origin).toBe(PUBLIC_URL);
  });

  it('refuses a repeated redirect parameter', async () => {
    const res = await fetch(`${root}/auth/oidc/fake/start?redirect=/a&redirect=https://evil.example`, { redirect: 'manual' });
    expect(res.status).toBe(400);
  });

  it('sends an allowed origin a one-time code, which completeExternalLogin exchanges once', async () => {
    const { browser, state, nonce } = await begin(`${APP_ORIGIN}/signed-in?from=tg#top`);
    fake.idToken = await fake.sign(fake.claims(nonce));
    const target = location(await callback(browser, { code: 'code-1', state }));
    expect(target.origin + target.pathname).toBe(`${APP_ORIGIN}/signed-in`);
    expect(target.searchParams.get('from')).toBe('tg');
    expect(target.hash).toBe('#top');
    const code = target.searchParams.get('code')!;
    expect(browser.received.some((c) => c.includes('tokengate-refresh'))).toBe(false);
    expect((await server.gql(COMPLETE, { code })).body.data.completeExternalLogin.accessToken).toBeTruthy();
    const again = await server.gql(COMPLETE, { code });
    expect(firstError(again).code).toBe('INVALID_LOGIN_CODE');
  });

  it('sends refusals on an allowed origin back there too', async () => {
    const { browser, state } = await begin(`${APP_ORIGIN}/signed-in`);
    const target = location(await callback(browser, { error: 'access_denied', state }));
    expect(target.origin).toBe(APP_ORIGIN);
    expect(target.searchParams.get('error')).toBe('ACCESS_DENIED');
  });
});
