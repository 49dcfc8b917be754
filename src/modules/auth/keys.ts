import { createHash, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

export interface VerifyKey {
  kid: string;
  alg: JwtAlgorithm;
  key: KeyObject;
}

/** The active signing key and every key still accepted, indexed by RFC 7638 thumbprint. */
export interface KeyRing {
  signing: VerifyKey & { signKey: KeyObject };
  verifiers: ReadonlyMap<string, VerifyKey>;
  /** Public JWKs for /.well-known/jwks.json; empty for HS256, whose key must never leave the server. */
  jwks: JsonWebKey[];
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
export function thumbprint(jwk: JsonWebKey): string {
  const members: Record<string, string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], oct: ['k', 'kty'] };
  const required = members[jwk.kty as string];
  if (!required) throw new TypeError(`unsupported key type ${jwk.kty}`);
  const canonical = JSON.stringify(Object.fromEntries(required.map((name) => [name, jwk[name as keyof JsonWebKey]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Which algorithm a public key can verify; refuses RSA under 2048 bits and curves other than P-256. */
export function algorithmOf(key: KeyObject): JwtAlgorithm {
  if (key.asymmetricKeyType === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new TypeError('RSA keys must be at least 2048 bits');
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TypeError(`unsupported key: ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}; use RSA ≥ 2048 bits or EC P-256`);
}

export function symmetricKeyRing(secret: Buffer): KeyRing {
  const key = createSecretKey(secret);
  const kid = thumbprint(key.export({ format: 'jwk' }));
  const entry: VerifyKey = { kid, alg: 'HS256', key };
  return { signing: { ...entry, signKey: key }, verifiers: new Map([[kid, entry]]), jwks: [] };
}

/** Loads PEM files: the private key signs; its public half and every listed public key verify. */
export function asymmetricKeyRing(alg: JwtAlgorithm, privateKeyFile: string, verifyKeyFiles: string[]): KeyRing {
  const signKey = parseKey(() => createPrivateKey(readPem(privateKeyFile, 'JWT_PRIVATE_KEY_FILE')), 'JWT_PRIVATE_KEY_FILE', privateKeyFile, 'an unencrypted PEM private key');
  const publicKey = createPublicKey(signKey);
  if (algorithmOf(publicKey) !== alg) throw new TypeError(`JWT_PRIVATE_KEY_FILE holds a key for ${algorithmOf(publicKey)}, not JWT_ALGORITHM=${alg}`);
  const verifiers = new Map<string, VerifyKey>();
  const jwks: JsonWebKey[] = [];
  const listed = verifyKeyFiles.map((f) => parseKey(() => createPublicKey(readPem(f, 'JWT_VERIFY_KEY_FILES')), 'JWT_VERIFY_KEY_FILES', f, 'a PEM public key'));
  for (const key of [publicKey, ...listed]) {
    const jwk = key.export({ format: 'jwk' });
    const kid = thumbprint(jwk);
    if (verifiers.has(kid)) continue;
    const keyAlg = algorithmOf(key);
    verifiers.set(kid, { kid, alg: keyAlg, key });
    jwks.push({ ...jwk, kid, alg: keyAlg, use: 'sig' } as JsonWebKey);
  }
  const kid = thumbprint(publicKey.export({ format: 'jwk' }));
  return { signing: { kid, alg, key: publicKey, signKey }, verifiers, jwks };
}

const HINT = 'generate a pair with: npm run keygen -- --alg ES256 --out ./keys';

function parseKey(parse: () => KeyObject, variable: string, file: string, what: string): KeyObject {
  try {
    return parse();
  } catch (err) {
    if (err instanceof TypeError && err.message.startsWith(variable)) throw err;
    throw new TypeError(`${variable}: ${file} is not ${what}; ${HINT}`);
  }
}

function readPem(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TypeError(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code}); ${HINT}`);
  }
}
