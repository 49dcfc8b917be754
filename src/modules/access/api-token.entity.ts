import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';

/**
 * A personal API token: a named, scoped, expiring credential for scripts and services. Only the SHA-256
 * of the secret is stored; `prefix` (the first characters) lets people tell their tokens apart.
 */
export class ApiToken {
  id: string = uuidv7();
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  /** Space-separated permission strings, like an OAuth `scope`. */
  scopes: string;
  createdAt: Date;
  expiresAt: Date;
  /** Written at most once a minute, and when the token is used from another address. */
  lastUsedAt: Date | null = null;
  lastIp: string | null = null;
  revokedAt: Date | null = null;
  /** Minted from a session opened with a second factor: only such a token may use MFA_REQUIRED_FOR permissions. */
  secondFactor: boolean;

  constructor(init: { userId: string; name: string; tokenHash: string; prefix: string; scopes: string; now: Date; expiresAt: Date; secondFactor?: boolean }) {
    this.secondFactor = init.secondFactor ?? false;
    this.userId = init.userId;
    this.name = init.name;
    this.tokenHash = init.tokenHash;
    this.prefix = init.prefix;
    this.scopes = init.scopes;
    this.createdAt = init.now;
    this.expiresAt = init.expiresAt;
  }
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  tableName: 'api_tokens',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    userId: { type: 'string', length: 36, fieldName: 'user_id' },
    name: { type: 'string', length: 80 },
    tokenHash: { type: 'string', length: 64, fieldName: 'token_hash', unique: true },
    prefix: { type: 'string', length: 16 },
    scopes: { type: 'text' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    expiresAt: { type: 'Date', fieldName: 'expires_at' },
    lastUsedAt: { type: 'Date', fieldName: 'last_used_at', nullable: true },
    lastIp: { type: 'string', length: 64, fieldName: 'last_ip', nullable: true },
    revokedAt: { type: 'Date', fieldName: 'revoked_at', nullable: true },
    secondFactor: { type: 'boolean', fieldName: 'second_factor', default: false },
  },
});
