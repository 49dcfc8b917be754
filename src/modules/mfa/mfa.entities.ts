import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { User } from '../user/user.entity';

/** An account's TOTP secret (sealed with a key derived from the server secret); unconfirmed until a first code. */
export class TotpFactor {
  userId: string;
  secretSealed: string;
  createdAt: Date;
  confirmedAt: Date | null = null;
  /** The highest time step a code was accepted for; a code at or below it is a replay. */
  lastStep = 0;

  constructor(userId: string, secretSealed: string, now: Date) {
    this.userId = userId;
    this.secretSealed = secretSealed;
    this.createdAt = now;
  }
}

/** One recovery code, stored as an HMAC of the code; usedAt set once it has been spent. */
export class RecoveryCode {
  id: string = uuidv7();
  userId: string;
  codeHash: string;
  createdAt: Date;
  usedAt: Date | null = null;

  constructor(userId: string, codeHash: string, now: Date) {
    this.userId = userId;
    this.codeHash = codeHash;
    this.createdAt = now;
  }
}

/** A WebAuthn credential (passkey) of an account: its public key and signature counter. */
export class Passkey {
  id: string = uuidv7();
  userId!: string;
  /** base64url, as the authenticator reports it. */
  credentialId!: string;
  /** COSE public key, base64url. */
  publicKey!: string;
  counter = 0;
  transports: string | null = null;
  backedUp = false;
  name!: string;
  createdAt!: Date;
  lastUsedAt: Date | null = null;
}

/**
 * A short-lived secret every instance must see: an mfaToken between the two login steps (MFA_TOKEN), or a
 * WebAuthn challenge (REGISTRATION, AUTHENTICATION). Only a SHA-256 of the secret is stored; spending deletes it.
 */
export type MfaTicketKind = 'MFA_TOKEN' | 'REGISTRATION' | 'AUTHENTICATION';

export class MfaTicket {
  id: string = uuidv7();
  kind!: MfaTicketKind;
  secretHash!: string;
  /** Whose ticket it is; null for a passwordless sign-in's challenge (the passkey tells whose). */
  userId: string | null = null;
  /** MFA_TOKEN: the first factor's amr value (pwd, fed). */
  firstFactor: string | null = null;
  /** MFA_TOKEN after a password: a digest of the verified hash, so a password change meanwhile ends the ticket. */
  binding: string | null = null;
  attempts = 0;
  createdAt!: Date;
  expiresAt!: Date;
}

const userRef = { kind: 'm:1', entity: () => User, fieldName: 'user_id', mapToPk: true, deleteRule: 'cascade' } as const;

export const TotpFactorSchema = new EntitySchema<TotpFactor>({
  class: TotpFactor,
  tableName: 'mfa_totp',
  properties: {
    userId: { ...userRef, primary: true },
    secretSealed: { type: 'string', length: 200, fieldName: 'secret_sealed' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    confirmedAt: { type: 'Date', fieldName: 'confirmed_at', nullable: true },
    lastStep: { type: new BigIntType('number'), fieldName: 'last_step' },
  },
});

export const RecoveryCodeSchema = new EntitySchema<RecoveryCode>({
  class: RecoveryCode,
  tableName: 'mfa_recovery_codes',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    userId: userRef,
    codeHash: { type: 'string', length: 64, fieldName: 'code_hash', unique: true },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    usedAt: { type: 'Date', fieldName: 'used_at', nullable: true },
  },
});

export const PasskeySchema = new EntitySchema<Passkey>({
  class: Passkey,
  tableName: 'passkeys',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    userId: userRef,
    credentialId: { type: 'string', length: 512, fieldName: 'credential_id', unique: true },
    publicKey: { type: 'text', fieldName: 'public_key' },
    counter: { type: new BigIntType('number') },
    transports: { type: 'string', length: 200, nullable: true },
    backedUp: { type: 'boolean', fieldName: 'backed_up' },
    name: { type: 'string', length: 64 },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    lastUsedAt: { type: 'Date', fieldName: 'last_used_at', nullable: true },
  },
});

export const MfaTicketSchema = new EntitySchema<MfaTicket>({
  class: MfaTicket,
  tableName: 'mfa_tickets',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    kind: { type: 'string', length: 16 },
    secretHash: { type: 'string', length: 64, fieldName: 'secret_hash', unique: true },
    userId: { ...userRef, nullable: true },
    firstFactor: { type: 'string', length: 16, fieldName: 'first_factor', nullable: true },
    binding: { type: 'string', length: 64, nullable: true },
    attempts: { type: 'integer' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    expiresAt: { type: 'Date', fieldName: 'expires_at' },
  },
});
