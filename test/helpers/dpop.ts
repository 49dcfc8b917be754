import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import type * as Dpop from 'dpop' with { 'resolution-mode': 'import' };
import { createHash, randomUUID } from 'node:crypto';
import type { GqlResponse } from './server';
import { TestClock } from './clock';

// Both are ESM-only; Node ≥ 20.19 loads them with require(esm).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof Jose;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dpop = require('dpop') as typeof Dpop;

export const PUBLIC_URL = 'https://api.example.test';
export const HTU = `${PUBLIC_URL}/graphql`;

/** A client that follows RFC 9449 with panva's `dpop`: one ES256 key, a fresh proof per request. */
export interface DpopClient {
  keypair: Dpop.KeyPair;
  jkt: string;
  proof(htm?: string, opts?: { accessToken?: string; nonce?: string; htu?: string }): Promise<string>;
  /** A proof built by hand (jose), to get one claim or header wrong at a time. */
  forge(opts?: { claims?: Record<string, unknown>; header?: Record<string, unknown>; accessToken?: string; drop?: string[]; signWith?: Jose.CryptoKey }): Promise<string>;
}

export async function dpopClient(alg: Dpop.JWSAlgorithm = 'ES256'): Promise<DpopClient> {
  const keypair = await dpop.generateKeyPair(alg);
  const jwk = await jose.exportJWK(keypair.publicKey);
  return {
    keypair,
    jkt: await dpop.calculateThumbprint(keypair.publicKey),
    proof: (htm = 'POST', opts = {}) => dpop.generateProof(keypair, opts.htu ?? HTU, htm, opts.nonce, opts.accessToken),
    async forge(opts = {}) {
      const claims: Record<string, unknown> = {
        jti: randomUUID(),
        htm: 'POST',
        htu: HTU,
        iat: Math.floor(Date.now() / 1000),
        ...(opts.accessToken ? { ath: createHash('sha256').update(opts.accessToken).digest('base64url') } : {}),
        ...opts.claims,
      };
      for (const name of opts.drop ?? []) delete claims[name];
      const header = { alg, typ: 'dpop+jwt', jwk, ...opts.header };
      return new jose.SignJWT(claims as Jose.JWTPayload).setProtectedHeader(header as Jose.JWTHeaderParameters).sign(opts.signWith ?? keypair.privateKey);
    },
  };
}

/** The payload of a JWT, unverified (to read cnf.jkt). */
export const jwtPayload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

export { jose };

/** POST /graphql with DPoP headers (or any others). */
export async function gqlWith(url: string, query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<GqlResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResponse['body'] };
}

/** A clock that runs with real time (the `dpop` package stamps iat from Date.now()), moved on by hand when a test must. */
export class RunningClock extends TestClock {
  private offset = 0;
  override now(): Date {
    return new Date(Date.now() + this.offset);
  }
  override advance(seconds: number): void {
    this.offset += seconds * 1000;
  }
  /** Epoch seconds now, as the server sees it. */
  seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
