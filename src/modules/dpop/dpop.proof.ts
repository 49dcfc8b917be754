import { createHash } from 'node:crypto';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };
import { DPOP_ALGORITHMS } from '../../errors';

// jose is ESM-only; Node ≥ 20.19 loads it with require(esm), which keeps this file CommonJS like the rest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof Jose;

/** A proof whose signature, header and claims passed; replay and nonce are the service's checks. */
export interface CheckedProof {
  /** RFC 7638 thumbprint of the proof's public key: the `cnf.jkt` a bound token carries. */
  jkt: string;
  jti: string;
  iat: number;
  nonce?: string;
}

/** What the request says the proof must match. */
export interface ProofExpectations {
  htm: string;
  /** The /graphql URL under PUBLIC_URL, compared without query and fragment. */
  htu: string;
  /** The access token presented with the proof: its hash must be the proof's ath. */
  accessToken?: string;
  /** Epoch seconds now, the accepted age and the clock tolerance. */
  now: number;
  maxAge: number;
  tolerance: number;
}

/** A refused proof; `detail` is for the log only. */
export class ProofError extends Error {
  constructor(readonly detail: string) {
    super(`DPoP proof refused: ${detail}`);
  }
}

const KEYS_MAX = 1000;
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

/** base64url(SHA-256(ASCII token)): the ath claim (RFC 9449 §4.2). */
export const accessTokenHash = (token: string) => createHash('sha256').update(token, 'ascii').digest('base64url');

/**
 * Verifies DPoP proofs with jose: `typ` dpop+jwt, an asymmetric alg, the public key embedded as `jwk`
 * (EmbeddedJWK refuses private and symmetric keys). A client sends the same key on every request, so the
 * imported key and its thumbprint are kept per JWK text: the hot path costs one signature verification.
 */
export class ProofVerifier {
  private readonly keys = new Map<string, Promise<{ key: Jose.CryptoKey; jkt: string }>>();

  async verify(proof: string, expect: ProofExpectations): Promise<CheckedProof> {
    if (proof.length > MAX_PROOF_LENGTH) throw new ProofError('too long');
    let jkt = '';
    const resolve: Jose.JWTVerifyGetKey = async (header, token) => {
      const entry = await this.keyFor(header, token);
      jkt = entry.jkt;
      return entry.key;
    };
    let payload: Jose.JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(proof, resolve, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS], requiredClaims: ['jti', 'htm', 'htu', 'iat'] }));
    } catch (err) {
      throw new ProofError((err as { code?: string }).code ?? 'unreadable');
    }
    const { jti, htm, htu, iat, ath, nonce } = payload as Record<string, unknown>;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw new ProofError('jti');
    if (htm !== expect.htm) throw new ProofError('htm');
    if (typeof htu !== 'string' || !sameTarget(htu, expect.htu)) throw new ProofError('htu');
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new ProofError('iat');
    if (iat > expect.now + expect.tolerance || iat < expect.now - expect.maxAge - expect.tolerance) throw new ProofError('iat window');
    if (expect.accessToken !== undefined && ath !== accessTokenHash(expect.accessToken)) throw new ProofError('ath');
    if (nonce !== undefined && typeof nonce !== 'string') throw new ProofError('nonce');
    return { jkt, jti, iat, ...(nonce !== undefined ? { nonce } : {}) };
  }

  private keyFor(header: Jose.JWTHeaderParameters, token: Jose.FlattenedJWSInput): Promise<{ key: Jose.CryptoKey; jkt: string }> {
    const id = `${header.alg} ${JSON.stringify(header.jwk)}`;
    let entry = this.keys.get(id);
    if (!entry) {
      entry = (async () => {
        const key = (await jose.EmbeddedJWK(header, token)) as Jose.CryptoKey;
        return { key, jkt: await jose.calculateJwkThumbprint(header.jwk!, 'sha256') };
      })();
      // A refused key is not kept: it would only fill the map.
      entry.catch(() => this.keys.delete(id));
      if (this.keys.size >= KEYS_MAX) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, entry);
    }
    return entry;
  }
}

/** htu against the expected URL, ignoring query and fragment (RFC 9449 §4.3), after URL normalisation. */
function sameTarget(htu: string, expected: string): boolean {
  if (!URL.canParse(htu)) return false;
  const got = new URL(htu);
  const want = new URL(expected);
  return got.origin === want.origin && got.pathname === want.pathname && got.username === '' && got.password === '';
}
