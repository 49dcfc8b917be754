import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { closeServer } from './oidc-provider';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof Jose;

export interface SignOptions {
  /** Another private key (same kid by default): a forged signature. */
  key?: Jose.CryptoKey | Uint8Array;
  alg?: string;
  kid?: string;
}

/**
 * An OpenID Provider under the test's control: its own discovery document (advertising RS256, HS256 and even
 * `none`, the worst case), a JWKS with one RS256 key, and a token endpoint that answers with whatever ID token
 * the test prepared. There is no login page: tests read state and nonce off the authorization URL and call the
 * callback themselves.
 */
export interface FakeProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The next token response's id_token; null answers the token request with invalid_grant. */
  idToken: string | null;
  /** Bodies of the token requests received, as form fields. */
  tokenRequests: Array<Record<string, string>>;
  /** Standard claims for a token addressed to the client, with overrides (undefined removes a claim). */
  claims(nonce: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  sign(claims: Record<string, unknown>, opts?: SignOptions): Promise<string>;
  /** An unsigned token: header {"alg":"none"} and an empty signature. */
  unsigned(claims: Record<string, unknown>): string;
  otherKey(): Promise<Jose.CryptoKey>;
  close(): Promise<void>;
}

export async function startFakeProvider(clientId = 'fake-client', clientSecret = 'fake-client-secret-0123456789abcdef'): Promise<FakeProvider> {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const kid = 'fake-key-1';
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeProvider = {
    issuer,
    clientId,
    clientSecret,
    idToken: null,
    tokenRequests: [],
    claims(nonce, overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = { iss: issuer, aud: clientId, sub: 'fake-subject', iat: now, exp: now + 300, nonce, preferred_username: 'fake.user', ...overrides };
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      return claims;
    },
    sign: (claims, opts = {}) => new jose.SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? kid }).sign(opts.key ?? privateKey),
    unsigned: (claims) => `${b64(JSON.stringify({ alg: 'none' }))}.${b64(JSON.stringify(claims))}.`,
    otherKey: async () => (await jose.generateKeyPair('RS256')).privateKey,
    close: () => closeServer(server),
  };
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
    }
    if (path === '/jwks') return json(res, 200, { keys: [jwk] });
    if (path === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        fake.tokenRequests.push(Object.fromEntries(new URLSearchParams(body)));
        if (!fake.idToken) return json(res, 400, { error: 'invalid_grant', error_description: 'unknown code' });
        json(res, 200, { access_token: 'fake-access-token', token_type: 'Bearer', expires_in: 300, id_token: fake.idToken });
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  return fake;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
