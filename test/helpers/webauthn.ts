import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/**
 * A software authenticator for server tests: ES256 keys from node:crypto, 'none' attestation, a discoverable
 * credential with user verification, and a signature counter it moves on each assertion.
 */
const b64url = (buf: Buffer | Uint8Array) => Buffer.from(buf).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

/** The CBOR this needs (RFC 8949): unsigned and negative ints, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error('cbor: unsupported value');
}

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
  excludeCredentials?: Array<{ id: string }>;
}
export interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
}

export class SoftAuthenticator {
  readonly credentialId: Buffer;
  counter: number;
  userHandle: string | null = null;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(
    private readonly origin: string,
    private readonly rpId: string,
    init?: { credentialId: Buffer; privateKey: KeyObject; publicKey: KeyObject; counter: number; userHandle: string | null },
  ) {
    if (init) {
      ({ credentialId: this.credentialId, privateKey: this.privateKey, publicKey: this.publicKey, counter: this.counter } = init);
      this.userHandle = init.userHandle;
    } else {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      this.privateKey = pair.privateKey;
      this.publicKey = pair.publicKey;
      this.credentialId = randomBytes(16);
      this.counter = 0;
    }
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The same key and counter in a second device: what a cloned authenticator looks like. */
  clone(): SoftAuthenticator {
    return new SoftAuthenticator(this.origin, this.rpId, { credentialId: this.credentialId, privateKey: this.privateKey, publicKey: this.publicKey, counter: this.counter, userHandle: this.userHandle });
  }

  /** A RegistrationResponseJSON for `options` (JSON text from startPasskeyRegistration); `origin` overrides the page's. */
  register(optionsText: string, override: { origin?: string } = {}): string {
    const options = JSON.parse(optionsText) as CreationOptions;
    if (options.excludeCredentials?.some((c) => c.id === this.id)) throw new Error('InvalidStateError: credential excluded');
    this.userHandle = options.user.id;
    const jwk = this.publicKey.export({ format: 'jwk' });
    const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const idLength = Buffer.from([this.credentialId.length >> 8, this.credentialId.length & 255]);
    const authData = Buffer.concat([sha256(options.rp.id ?? this.rpId), Buffer.from([UP | UV | AT]), this.counterBytes(), Buffer.alloc(16), idLength, this.credentialId, cose]);
    const clientData = this.clientData('webauthn.create', options.challenge, override.origin);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    });
  }

  /** An AuthenticationResponseJSON; the counter moves on by one unless `counter` says otherwise. */
  assert(optionsText: string, override: { origin?: string; counter?: number; userVerified?: boolean } = {}): string {
    const options = JSON.parse(optionsText) as RequestOptions;
    this.counter = override.counter ?? this.counter + 1;
    const flags = UP | (override.userVerified === false ? 0 : UV);
    const authData = Buffer.concat([sha256(options.rpId ?? this.rpId), Buffer.from([flags]), this.counterBytes()]);
    const clientData = this.clientData('webauthn.get', options.challenge, override.origin);
    const signer = createSign('SHA256');
    signer.update(Buffer.concat([authData, sha256(clientData)]));
    const signature = signer.sign(this.privateKey); // DER, as WebAuthn's ES256 expects
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), ...(this.userHandle ? { userHandle: this.userHandle } : {}) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    });
  }

  private counterBytes(): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.counter);
    return b;
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }
}
