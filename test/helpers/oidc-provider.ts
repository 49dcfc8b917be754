import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** A person at the test provider; anyone else may sign in too (devInteractions take any login), with only a sub. */
export interface TestAccount {
  sub: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestClient {
  client_id: string;
  /** None: a public client (token_endpoint_auth_method none), which oidc-provider makes use PKCE. */
  client_secret?: string;
  redirect_uris: string[];
}

export interface TestProvider {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => { callback(): (req: IncomingMessage, res: ServerResponse) => void };

let Provider: ProviderClass | undefined;

/** oidc-provider warns about its development defaults (and Node 20) on stdout; the tests know. */
function loadProvider(): ProviderClass {
  if (Provider) return Provider;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => (typeof args[0] === 'string' && args[0].startsWith('oidc-provider') ? undefined : warn(...args));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Provider = (require('oidc-provider') as { Provider: ProviderClass }).Provider;
  return Provider;
}

/**
 * A certified OpenID Provider (oidc-provider v9) in-process on 127.0.0.1: given `port`, on that port (so a test can
 * start it after tokengate, whose issuer must be fixed first); its devInteractions serve a login form taking any
 * login and password, then a consent form.
 */
export async function startOidcProvider(opts: { clients: TestClient[]; accounts?: TestAccount[]; port?: number }): Promise<TestProvider> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map((opts.accounts ?? []).map((a) => [a.sub, a]));
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ProviderClass = loadProvider();
  const provider = new ProviderClass(issuer, {
    clients: opts.clients.map((c) => ({
      response_types: ['code'],
      grant_types: ['authorization_code'],
      ...c,
      ...(c.client_secret ? {} : { token_endpoint_auth_method: 'none' }),
    })),
    async findAccount(_ctx: unknown, sub: string) {
      return { accountId: sub, claims: async () => ({ ...accounts.get(sub), sub }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    jwks: { keys: [{ ...key, use: 'sig', kid: 'test-key-1' }] },
  });
  server.on('request', provider.callback());
  return { issuer, port, close: () => closeServer(server) };
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on right now (for a server whose URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
