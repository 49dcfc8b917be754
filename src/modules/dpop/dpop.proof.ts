import { constants, createHash, KeyObject, verify as verifySignature, type VerifyKeyObjectInput } from 'node:crypto';
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

/** node:crypto's verify parameters for each JWS algorithm (RFC 7518 §3; PSS salt = hash length). */
const SIGNATURE: Record<(typeof DPOP_ALGORITHMS)[number], { hash: string | null; options: Partial<VerifyKeyObjectInput> }> = {
  ES256: { hash: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', options: { dsaEncoding: 'ieee-p1363' } },
  ES512: { hash: 'sha512', options: { dsaEncoding: 'ieee-p1363' } },
  PS256: { hash: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  PS384: { hash: 'sha384', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 } },
  PS512: { hash: 'sha512', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 } },
  RS256: { hash: 'sha256', options: { padding: constants.RSA_PKCS1_PADDING } },
  RS384: { hash: 'sha384', options: { padding: constants.RSA_PKCS1_PADDING } },
  RS512: { hash: 'sha512', options: { padding: constants.RSA_PKCS1_PADDING } },
  EdDSA: { hash: null, options: {} },
  Ed25519: { hash: null, options: {} },
};
const CURVES: Partial<Record<keyof typeof SIGNATURE, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** The key is of the alg's kind (the curve for ES*, RSA of 2048 bits or more as jose requires, an Edwards key for EdDSA). */
function fits(alg: keyof typeof SIGNATURE, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.startsWith('ES')) return type === 'ec' && details.namedCurve === CURVES[alg];
  if (alg.startsWith('RS')) return type === 'rsa' && (details.modulusLength ?? 0) >= 2048;
  if (alg.startsWith('PS')) return (type === 'rsa' || type === 'rsa-pss') && (details.modulusLength ?? 0) >= 2048;
  return alg === 'Ed25519' ? type === 'ed25519' : type === 'ed25519' || type === 'ed448';
}
const isAlgorithm = (alg: unknown): alg is keyof typeof SIGNATURE => typeof alg === 'string' && Object.prototype.hasOwnProperty.call(SIGNATURE, alg);
const COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

function jsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new ProofError(`${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ProofError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

interface ProofKey {
  key: KeyObject;
  jkt: string;
}

/**
 * Verifies DPoP proofs: `typ` dpop+jwt, an asymmetric alg, the public key embedded as `jwk`. jose imports the
 * key once per JWK text (EmbeddedJWK refuses private and symmetric keys and a key that does not fit the alg)
 * and computes its thumbprint; the signature of each proof is then checked with node:crypto's synchronous
 * verify, which costs about half of WebCrypto's job per request (docs/benchmark.md).
 */
export class ProofVerifier {
  private readonly keys = new Map<string, Promise<ProofKey>>();

  async verify(proof: string, expect: ProofExpectations): Promise<CheckedProof> {
    if (proof.length > MAX_PROOF_LENGTH) throw new ProofError('too long');
    const parts = COMPACT.exec(proof);
    if (!parts) throw new ProofError('not a compact JWS');
    const [, encodedHeader, encodedPayload, signature] = parts;
    const header = jsonObject(encodedHeader, 'header');
    if (!isAlgorithm(header.alg)) throw new ProofError('alg');
    if (typeof header.typ !== 'string' || header.typ.toLowerCase().replace(/^application\//, '') !== 'dpop+jwt') throw new ProofError('typ');
    // No extension of the JWS is understood here, so a critical one refuses the proof (RFC 7515 §4.1.11).
    if (header.crit !== undefined || header.b64 !== undefined) throw new ProofError('crit');
    const { key, jkt } = await this.keyFor(header as Jose.JWTHeaderParameters, encodedHeader, encodedPayload, signature);
    const { hash, options } = SIGNATURE[header.alg];
    let valid = false;
    try {
      valid = verifySignature(hash, Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), { key, ...options }, Buffer.from(signature, 'base64url'));
    } catch {
      valid = false;
    }
    if (!valid) throw new ProofError('signature');
    const payload = jsonObject(encodedPayload, 'payload');
    const { jti, htm, htu, iat, ath, nonce, exp, nbf } = payload;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw new ProofError('jti');
    if (htm !== expect.htm) throw new ProofError('htm');
    if (typeof htu !== 'string' || !sameTarget(htu, expect.htu)) throw new ProofError('htu');
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new ProofError('iat');
    if (iat > expect.now + expect.tolerance || iat < expect.now - expect.maxAge - expect.tolerance) throw new ProofError('iat window');
    // Not DPoP claims, but a proof that says it has expired (or is not yet valid) is taken at its word.
    if (exp !== undefined && (typeof exp !== 'number' || exp <= expect.now - expect.tolerance)) throw new ProofError('exp');
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > expect.now + expect.tolerance)) throw new ProofError('nbf');
    if (expect.accessToken !== undefined && ath !== accessTokenHash(expect.accessToken)) throw new ProofError('ath');
    if (nonce !== undefined && typeof nonce !== 'string') throw new ProofError('nonce');
    return { jkt, jti, iat, ...(nonce !== undefined ? { nonce } : {}) };
  }

  private keyFor(header: Jose.JWTHeaderParameters, protectedHeader: string, payload: string, signature: string): Promise<ProofKey> {
    const id = `${header.alg} ${JSON.stringify(header.jwk)}`;
    let entry = this.keys.get(id);
    if (!entry) {
      entry = (async () => {
        let imported: Jose.CryptoKey;
        try {
          imported = (await jose.EmbeddedJWK(header, { payload, signature, protected: protectedHeader })) as Jose.CryptoKey;
        } catch (err) {
          throw new ProofError((err as { code?: string }).code ?? 'jwk');
        }
        const key = KeyObject.from(imported);
        if (!fits(header.alg as keyof typeof SIGNATURE, key)) throw new ProofError('jwk does not fit alg');
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
