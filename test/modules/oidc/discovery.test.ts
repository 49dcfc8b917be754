import { Browser } from '../../helpers/browser';
import { freePort, startOidcProvider, type TestProvider } from '../../helpers/oidc-provider';
import { createTestServer, type TestServer } from '../../helpers/server';

const PROVIDERS = `{ authProviders { id available } }`;

describe('a provider that is down when tokengate starts', () => {
  let server: TestServer;
  let provider: TestProvider | undefined;
  let issuerPort: number;

  beforeAll(async () => {
    issuerPort = await freePort();
    server = await createTestServer({
      PUBLIC_URL: 'https://tokengate.test',
      OIDC_PROVIDERS: 'corp',
      OIDC_CORP_ISSUER: `http://127.0.0.1:${issuerPort}`,
      OIDC_CORP_CLIENT_ID: 'tokengate',
      OIDC_CORP_CLIENT_SECRET: 'tokengate-secret-0123456789',
    });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  it('does not stop tokengate: the provider is reported unavailable', async () => {
    expect((await server.gql(PROVIDERS)).body.data.authProviders).toEqual([{ id: 'corp', available: false }]);
    expect((await server.gql(`{ __typename }`)).status).toBe(200);
  });

  it('sends a browser that tries it back with PROVIDER_UNAVAILABLE', async () => {
    const page = await new Browser().request(`${server.url.replace(/\/graphql$/, '')}/auth/oidc/corp/start?redirect=/app`);
    expect(page.status).toBe(302);
    expect(new URL(page.headers.get('location')!).searchParams.get('error')).toBe('PROVIDER_UNAVAILABLE');
  });

  it('retries in the background and reports it available once it answers', async () => {
    provider = await startOidcProvider({ port: issuerPort, clients: [{ client_id: 'tokengate', client_secret: 'tokengate-secret-0123456789', redirect_uris: ['https://tokengate.test/auth/oidc/corp/callback'] }] });
    const deadline = Date.now() + 20_000;
    let available = false;
    while (!available && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      available = (await server.gql(PROVIDERS)).body.data.authProviders[0].available;
    }
    expect(available).toBe(true);
    const page = await new Browser().request(`${server.url.replace(/\/graphql$/, '')}/auth/oidc/corp/start?redirect=/app`);
    expect(new URL(page.headers.get('location')!).origin).toBe(provider.issuer);
  });
});
