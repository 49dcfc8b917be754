import { createApp, type App, type AppOptions } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { TestClock } from './clock';
import { freshDatabase } from './database';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }> };
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  app: App;
  config: Config;
  clock: TestClock;
  url: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GqlResponse<T>>;
  /** Raw HTTP against the server (path relative to its root). */
  http(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the real app on a random port and a fresh database; env overrides the test defaults. */
export async function createTestServer(env: Record<string, string> = {}, clock = new TestClock(new Date()), options: Omit<AppOptions, 'clock'> = {}): Promise<TestServer> {
  const db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    DATABASE_URL: db.url,
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
    DATA_DIR: '/nonexistent-data-dir',
    // Suites register and fail logins from one address; rate-limit tests set these back to real values.
    RATE_REGISTER_IP_MAX: '1000',
    RATE_LOGIN_IP_MAX: '1000',
    RATE_LOGIN_SUCCESS_IP_MAX: '1000',
    // The outbox is read when this server queues mail (and when a test runs the worker), not on a timer that
    // would add statements to the tests that count them.
    MAIL_POLL_INTERVAL: '3600',
    // Quiet whatever NODE_ENV a test picks (production logs at info): server lines in `npm test` read like failures.
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createApp(config, { ...options, clock });
  // A test that must know the URL before the server starts (a redirect URI registered elsewhere) sets PORT.
  const url = await app.listen(env.PORT ? config.port : 0, '127.0.0.1');
  const root = url.replace(/\/graphql$/, '');
  return {
    app,
    config,
    clock,
    url,
    async gql(query, variables, options = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResponse["body"] };
    },
    http: (path, init) => fetch(root + path, init),
    async close() {
      await app.stop();
      await db.drop();
    },
  };
}

export const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken tokenType expiresIn refreshToken refreshExpiresIn sessionId user { id username role isActive createdAt } }
}`;
export const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken tokenType expiresIn refreshToken refreshExpiresIn sessionId user { id username role isActive createdAt } }
}`;
export const REFRESH = `mutation Refresh($token: String) {
  refreshToken(refreshToken: $token) { accessToken expiresIn refreshToken refreshExpiresIn sessionId user { id } }
}`;
export const ME = `{ me { id username role isActive createdAt } }`;

/** Registers a user and returns its first AuthPayload. */
export async function register(server: TestServer, username = 'alice', password = 'correct horse battery'): Promise<any> {
  const res = await server.gql(REGISTER, { input: { username, password } });
  if (!res.body.data?.register) throw new Error('register failed: ' + JSON.stringify(res.body.errors));
  return res.body.data.register;
}

export async function login(server: TestServer, username = 'alice', password = 'correct horse battery'): Promise<any> {
  const res = await server.gql(LOGIN, { input: { username, password } });
  if (!res.body.data?.login) throw new Error('login failed: ' + JSON.stringify(res.body.errors));
  return res.body.data.login;
}

/** The first error's extensions, for asserting on codes. */
export const firstError = (res: GqlResponse) => res.body.errors?.[0]?.extensions ?? {};
