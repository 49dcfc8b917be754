/**
 * DPoP (RFC 9449) for the app: one ES256 key pair per browser profile, made with WebCrypto with a non-extractable
 * private key and kept in IndexedDB (a CryptoKey is stored as is, so no script can read the key out). Every request
 * to /graphql and every socket carries a fresh proof, so a token copied out of the page or the network is useless.
 */

const DB = 'tokengate';
const STORE = 'keys';
const ID = 'dpop';

const b64u = (bytes: ArrayBuffer | Uint8Array) => {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u8) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const b64uJson = (value: unknown) => b64u(new TextEncoder().encode(JSON.stringify(value)));

function idb<T>(run: (store: IDBObjectStore) => IDBRequest<T>, mode: IDBTransactionMode): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = run(open.result.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => (resolve(request.result), open.result.close());
      request.onerror = () => (reject(request.error), open.result.close());
    };
  });
}

/** The browser's DPoP key: loaded from IndexedDB, or made (and stored) on first use. */
export class DpopKey {
  /** The last DPoP-Nonce the server sent (DPOP_NONCE=true), echoed in the next proofs. */
  private nonce: string | undefined;
  /** How far the server's clock (its Date header) is ahead of this one, when that is more than a few seconds. */
  private skewMs = 0;

  private constructor(private readonly pair: CryptoKeyPair, private readonly jwk: JsonWebKey) {}

  /** null where WebCrypto or IndexedDB is missing (an insecure origin): the app then uses bearer tokens. */
  static async load(): Promise<DpopKey | null> {
    if (!globalThis.crypto?.subtle || !globalThis.indexedDB) return null;
    try {
      let pair = await idb<CryptoKeyPair | undefined>((s) => s.get(ID), 'readonly');
      if (!pair) {
        pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
        await idb((s) => s.put(pair, ID), 'readwrite');
      }
      // The public half is always exportable; only x and y go into the proof header.
      const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
      return new DpopKey(pair, { kty, crv, x, y });
    } catch {
      return null;
    }
  }

  /** A proof for one request: htm, htu (no query or fragment), iat, a random jti, ath for the token, the nonce. */
  async proof(htm: string, url: string, accessToken?: string | null): Promise<string> {
    const target = new URL(url, globalThis.location?.href);
    const htu = `${target.origin}${target.pathname}`;
    const ath = accessToken ? b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))) : undefined;
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: this.jwk };
    const claims = { htm, htu, iat: Math.floor((Date.now() + this.skewMs) / 1000), jti: crypto.randomUUID(), ...(ath ? { ath } : {}), ...(this.nonce ? { nonce: this.nonce } : {}) };
    const input = `${b64uJson(header)}.${b64uJson(claims)}`;
    // WebCrypto's ECDSA signature is r‖s, which is exactly JWS's ES256 form.
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.pair.privateKey, new TextEncoder().encode(input));
    return `${input}.${b64u(signature)}`;
  }

  /**
   * Keeps the server's next nonce and its clock; true when a retry may succeed: the answer asked for a nonce
   * (use_dpop_nonce), or refused the proof while this device's clock is off by more than the server tolerates.
   */
  heard(res: Response): boolean {
    const next = res.headers.get('dpop-nonce');
    if (next) this.nonce = next;
    const before = this.skewMs;
    const serverNow = Date.parse(res.headers.get('date') ?? '');
    if (Number.isFinite(serverNow)) this.skewMs = Math.abs(serverNow - Date.now()) > 5000 ? serverNow - Date.now() : 0;
    if (res.status !== 401) return false;
    const challenge = res.headers.get('www-authenticate') ?? '';
    if (next !== null && /error="use_dpop_nonce"/.test(challenge)) return true;
    return /error="invalid_dpop_proof"/.test(challenge) && Math.abs(this.skewMs - before) > 5000;
  }
}

/**
 * A fetch that signs: a request's `Authorization: Bearer <token>` becomes `DPoP <token>` with a proof bound to
 * the token, a request without a token gets a proof anyway (login, register and refresh bind the new session to
 * the key), and a use_dpop_nonce answer is retried once with the server's nonce. Without a key it is plain fetch.
 */
export function signingFetch(key: Promise<DpopKey | null>, base: typeof fetch = globalThis.fetch.bind(globalThis)): typeof fetch {
  return async (input, init = {}) => {
    const dpop = await key;
    if (!dpop) return base(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init.headers);
    const bearer = /^Bearer (.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
    const send = async () => {
      if (bearer) headers.set('authorization', `DPoP ${bearer}`);
      headers.set('dpop', await dpop.proof((init.method ?? 'GET').toUpperCase(), url, bearer));
      return base(input, { ...init, headers });
    };
    const res = await send();
    return dpop.heard(res) ? send() : res;
  };
}

/** connectionParams for the socket: the token under the DPoP scheme and a fresh GET proof for the /graphql URL. */
export async function socketParams(key: Promise<DpopKey | null>, httpUrl: string, token: string): Promise<Record<string, string>> {
  const dpop = await key;
  if (!dpop) return { authorization: `Bearer ${token}` };
  return { authorization: `DPoP ${token}`, dpop: await dpop.proof('GET', httpUrl, token) };
}
