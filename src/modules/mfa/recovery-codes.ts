import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // 32 symbols, no 0/o, 1/l

/** Ten codes of 12 symbols from 32 (60 bits each), shown as xxxx-xxxx-xxxx. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(12);
    const symbols = [...bytes].map((b) => ALPHABET[b & 31]).join('');
    return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
  });
}

/** What a person may type: any case, with or without dashes and spaces. */
export const looksLikeRecoveryCode = (code: string): boolean => /^[a-z0-9]{12}$/.test(normalize(code));
const normalize = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '');

/** Codes are stored as an HMAC keyed from the server secret: a leaked table alone does not let anyone test guesses. */
export class RecoveryCodeHasher {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'tokengate/recovery-codes', 32));
  }

  hash(code: string): string {
    return createHmac('sha256', this.key).update(normalize(code)).digest('hex');
  }
}
