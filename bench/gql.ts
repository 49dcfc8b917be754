/** Request bodies and the few setup calls the orchestrator makes with fetch (not measured). */
export const BENCH_USER = { username: 'bench_user', password: 'Quartz-lantern-7741' };

export const TYPENAME = JSON.stringify({ query: '{ __typename }' });
export const ME = JSON.stringify({ query: '{ me { id username } }' });
export const LOGIN = JSON.stringify({
  query: 'mutation Login($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }',
  variables: { input: BENCH_USER },
});
export const refreshBody = (token: string) =>
  JSON.stringify({ query: 'mutation Refresh($t: String) { refreshToken(refreshToken: $t) { accessToken refreshToken } }', variables: { t: token } });

interface Pair {
  accessToken: string;
  refreshToken: string;
}

async function call(url: string, body: string, field: string, extra: Record<string, string> = {}): Promise<Pair> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...extra }, body });
  const json = (await res.json()) as { data?: Record<string, Pair>; errors?: unknown };
  const pair = json.data?.[field];
  if (!pair) throw new Error(`${field} failed (HTTP ${res.status}): ${JSON.stringify(json.errors)}`);
  return pair;
}

export async function register(url: string): Promise<Pair> {
  const query = 'mutation Register($input: RegisterInput!) { register(input: $input) { accessToken refreshToken } }';
  return call(url, JSON.stringify({ query, variables: { input: BENCH_USER } }), 'register');
}

export const login = (url: string) => call(url, LOGIN, 'login');

/** A login whose tokens are bound to the key that signed `proof` (DPoP). */
export const loginWithProof = (url: string, proof: string) => call(url, LOGIN, 'login', { dpop: proof });

/** A personal API token (no scopes: `me` needs none) minted with a fresh login's access token. */
export async function createApiToken(url: string, accessToken: string): Promise<string> {
  const query = 'mutation { createApiToken(name: "bench", scopes: [], expiresInDays: 1) { token } }';
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }, body: JSON.stringify({ query }) });
  const json = (await res.json()) as { data?: { createApiToken?: { token: string } }; errors?: unknown };
  const token = json.data?.createApiToken?.token;
  if (!token) throw new Error(`createApiToken failed (HTTP ${res.status}): ${JSON.stringify(json.errors)}`);
  return token;
}

/** n fresh sessions (their refresh tokens), logging in `concurrency` at a time. */
export async function loginMany(url: string, n: number, concurrency: number): Promise<string[]> {
  const tokens: string[] = [];
  let started = 0;
  const worker = async () => {
    while (started++ < n) tokens.push((await login(url)).refreshToken);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tokens;
}
