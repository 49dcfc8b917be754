/** Request bodies and the few setup calls the orchestrator makes with fetch (not measured). */
import { Secret, TOTP } from 'otpauth';

export const BENCH_USER = { username: 'bench_user', password: 'Quartz-lantern-7741' };
/** A second account with TOTP on: its sessions are opened with a recovery code, so its tokens carry amr pwd + otp. */
export const BENCH_MFA_USER = { username: 'bench_mfa_user', password: 'Quartz-lantern-7742' };

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

export async function register(url: string, user = BENCH_USER): Promise<Pair> {
  const query = 'mutation Register($input: RegisterInput!) { register(input: $input) { accessToken refreshToken } }';
  return call(url, JSON.stringify({ query, variables: { input: user } }), 'register');
}

async function data<T>(url: string, query: string, variables: Record<string, unknown>, accessToken?: string): Promise<{ data?: T; errors?: Array<{ extensions?: Record<string, unknown> }> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) };
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: T; errors?: Array<{ extensions?: Record<string, unknown> }> };
}

/** Registers BENCH_MFA_USER and turns TOTP on; returns its recovery codes (one per later sign-in). */
export async function registerWithTotp(url: string): Promise<string[]> {
  const { accessToken } = await register(url, BENCH_MFA_USER);
  const started = await data<{ startTotpEnrollment: { secret: string } }>(url, 'mutation { startTotpEnrollment { secret } }', {}, accessToken);
  const secret = started.data?.startTotpEnrollment.secret;
  if (!secret) throw new Error(`startTotpEnrollment failed: ${JSON.stringify(started.errors)}`);
  const code = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
  const confirmed = await data<{ confirmTotpEnrollment: string[] }>(url, 'mutation C($code: String!) { confirmTotpEnrollment(code: $code) }', { code }, accessToken);
  const codes = confirmed.data?.confirmTotpEnrollment;
  if (!codes?.length) throw new Error(`confirmTotpEnrollment failed: ${JSON.stringify(confirmed.errors)}`);
  return codes;
}

/** Password, then a recovery code with the mfaToken the login handed back: an access token whose claims say pwd + otp. */
export async function loginWithSecondFactor(url: string, recoveryCode: string): Promise<string> {
  const first = await data(url, 'mutation L($input: LoginInput!) { login(input: $input) { accessToken } }', { input: BENCH_MFA_USER });
  const mfaToken = first.errors?.[0]?.extensions?.mfaToken;
  if (typeof mfaToken !== 'string') throw new Error(`login did not ask for a second factor: ${JSON.stringify(first)}`);
  const query = 'mutation M($t: String!, $c: String!) { completeMfaLogin(mfaToken: $t, code: $c) { accessToken } }';
  const done = await data<{ completeMfaLogin: { accessToken: string } }>(url, query, { t: mfaToken, c: recoveryCode });
  const token = done.data?.completeMfaLogin.accessToken;
  if (!token) throw new Error(`completeMfaLogin failed: ${JSON.stringify(done.errors)}`);
  return token;
}

export const login = (url: string) => call(url, LOGIN, 'login');

/** A login whose tokens are bound to the key that signed `proof` (DPoP). */
export const loginWithProof = (url: string, proof: string) => call(url, LOGIN, 'login', { dpop: proof });

/** A personal API token (no scopes: `me` needs none) minted with a fresh login's access token. */
export async function createApiToken(url: string, accessToken: string): Promise<string> {
  const json = await data<{ createApiToken: { token: string } }>(url, 'mutation { createApiToken(name: "bench", scopes: [], expiresInDays: 1) { token } }', {}, accessToken);
  const token = json.data?.createApiToken.token;
  if (!token) throw new Error(`createApiToken failed: ${JSON.stringify(json.errors)}`);
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
