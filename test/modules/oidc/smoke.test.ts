import { Browser } from '../../helpers/browser';
import { freePort, startOidcProvider, type TestProvider } from '../../helpers/oidc-provider';
import { createTestServer, type TestServer } from '../../helpers/server';

let provider: TestProvider;
let server: TestServer;
let base: string;
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({
    clients: [{ client_id: 'tokengate', client_secret: 'tokengate-secret', redirect_uris: [`${base}/auth/oidc/corp/callback`] }],
    accounts: [{ sub: 'alice-sub', preferred_username: 'alice.corp', email: 'alice@corp.example' }],
  });
  server = await createTestServer({ PORT: String(port), PUBLIC_URL: base, OIDC_PROVIDERS: 'corp', OIDC_CORP_ISSUER: provider.issuer, OIDC_CORP_CLIENT_ID: 'tokengate', OIDC_CORP_CLIENT_SECRET: 'tokengate-secret', LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

it('signs in', async () => {
  const providers = await server.gql('{ authProviders { id name available startUrl } }');
  console.log(JSON.stringify(providers.body));
  const browser = new Browser();
  const result = await browser.drive(`${base}/auth/oidc/corp/start?redirect=/app`, {
    stop: (url) => url.origin === base && !url.pathname.startsWith('/auth/oidc/'),
    onForm: (page, hidden) => (hidden.prompt === 'login' ? { login: 'alice-sub', password: 'x' } : {}),
  });
  console.log(result.location, result.page.status, result.page.body.slice(0, 300));
  const code = new URL(result.location!).searchParams.get('code');
  const res = await server.gql('mutation($c: String!) { completeExternalLogin(code: $c) { accessToken user { id username hasPassword } } }', { c: code });
  console.log(JSON.stringify(res.body));
});
