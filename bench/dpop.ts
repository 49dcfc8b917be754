// DPoP proofs (RFC 9449) signed synchronously with node:crypto, so autocannon's setupRequest can sign one per request.
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';

const b64u = (v: Buffer | string) => Buffer.from(v).toString('base64url');

/** A fresh ES256 key as a private JWK: it travels to the load generator over IPC. */
export function newDpopKey(): JsonWebKey {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
}

/** A signer for one key: proof(htm, htu, accessToken?) with a new jti and the current iat. */
export function dpopSigner(jwk: JsonWebKey): (htm: string, htu: string, accessToken?: string) => string {
  const key: KeyObject = createPrivateKey({ key: jwk, format: 'jwk' });
  const header = b64u(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } }));
  return (htm, htu, accessToken) => {
    const ath = accessToken ? createHash('sha256').update(accessToken).digest('base64url') : undefined;
    const input = `${header}.${b64u(JSON.stringify({ htm, htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...(ath ? { ath } : {}) }))}`;
    return `${input}.${b64u(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
  };
}
