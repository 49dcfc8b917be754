import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { User } from '../user/user.entity';

/** VERIFY: proves the account's address; RESET: sets a new password; CHANGE: moves the account to `email`. */
export type EmailTokenPurpose = 'VERIFY' | 'RESET' | 'CHANGE';
/** Why a token stopped working before its expiry. */
export type EmailTokenEnd = 'USED' | 'SUPERSEDED';

/** A single-use link secret sent by mail; only its SHA-256 is stored. */
export class EmailToken {
  id: string = uuidv7();
  userId: string;
  purpose: EmailTokenPurpose;
  tokenHash: string;
  /** The address the link went to (CHANGE: the new address), as given and as its unique key. */
  email: string;
  emailKey: string;
  /** A short digest of the password hash at issue: any password change since makes the token superseded. */
  passwordTag: string;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null = null;
  endedReason: EmailTokenEnd | null = null;

  constructor(init: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; email: string; emailKey: string; passwordTag: string; now: Date; ttlSeconds: number }) {
    this.userId = init.userId;
    this.purpose = init.purpose;
    this.tokenHash = init.tokenHash;
    this.email = init.email;
    this.emailKey = init.emailKey;
    this.passwordTag = init.passwordTag;
    this.createdAt = init.now;
    this.expiresAt = new Date(init.now.getTime() + init.ttlSeconds * 1000);
  }
}

export const EmailTokenSchema = new EntitySchema<EmailToken>({
  class: EmailToken,
  tableName: 'email_tokens',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    userId: { kind: 'm:1', entity: () => User, fieldName: 'user_id', mapToPk: true, deleteRule: 'cascade' },
    purpose: { type: 'string', length: 8 },
    tokenHash: { type: 'string', length: 64, fieldName: 'token_hash', unique: true },
    email: { type: 'string', length: 254 },
    emailKey: { type: 'string', length: 254, fieldName: 'email_key' },
    passwordTag: { type: 'string', length: 16, fieldName: 'password_tag' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    expiresAt: { type: 'Date', fieldName: 'expires_at' },
    endedAt: { type: 'Date', fieldName: 'ended_at', nullable: true },
    endedReason: { type: 'string', length: 12, fieldName: 'ended_reason', nullable: true },
  },
});
