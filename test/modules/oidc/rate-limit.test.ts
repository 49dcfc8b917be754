import { Browser } from '../../helpers/browser';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-oidc';
import { createTestServer, firstError, type TestServer } from '../../helpers/server';

let fake: FakeProvider;
let server: TestServer;
let root: string;
beforeAll(async () => {
  fake = await startFakeProvider();
  server = await createTestServer({
    PUBLIC_URL: 'https://tokengate.test',
    OIDC_PROVIDERS: 'fake',
    OIDC_FAKE_ISSUER: fake.issuer,
    OIDC_FAKE_CLIENT_ID: fake.clientId,
    OIDC_FAKE_CLIENT_SECRET: fake.clientSecret,
    RATE_OIDC_START_IP_MAX: '3',
    RATE_OIDC_CALLBACK_IP_MAX: '2',
    RATE_OIDC_EXCHANGE_IP_MAX: '2',
  });
  root = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

async function expectLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await res.json()) as any).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
}

describe('per-address rate limits', () => {
  it('limit starting flows', async () => {
    for (let i = 0; i < 3; i++) expect((await new Browser().request(`${root}/auth/oidc/fake/start?redirect=/app`)).status).toBe(302);
    await expectLimited(await fetch(`${root}/auth/oidc/fake/start?redirect=/app`, { redirect: 'manual' }));
  });

  it('limit callbacks, counted before the state is looked at', async () => {
    for (let i = 0; i < 2; i++) expect((await fetch(`${root}/auth/oidc/fake/callback?state=s${i}`, { redirect: 'manual' })).status).toBe(400);
    await expectLimited(await fetch(`${root}/auth/oidc/fake/callback?state=s`, { redirect: 'manual' }));
  });

  it('limit completeExternalLogin', async () => {
    const complete = `mutation($c: String!) { completeExternalLogin(code: $c) { accessToken } }`;
    for (let i = 0; i < 2; i++) expect(firstError(await server.gql(complete, { c: 'tgc_nope' }))).toMatchObject({ code: 'INVALID_LOGIN_CODE' });
    const limited = await server.gql(complete, { c: 'tgc_nope' });
    expect(limited.status).toBe(429);
    expect(firstError(limited)).toMatchObject({ code: 'RATE_LIMITED' });
  });
});
