import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { Session } from './session.entity';

/** One refresh token of a session; only its SHA-256 hash is stored. */
export class RefreshToken {
  id: string = uuidv7();
  sessionId: string;
  tokenHash: string;
  createdAt: Date;
  /** Set when the token was rotated; a live token has none. */
  usedAt: Date | null = null;
  replacedById: string | null = null;
  /** The successor pair, sealed with AES-GCM, kept only so the grace window can return it again. */
  successorSealed: string | null = null;

  constructor(sessionId: string, tokenHash: string, now: Date) {
    this.sessionId = sessionId;
    this.tokenHash = tokenHash;
    this.createdAt = now;
  }
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'refresh_tokens',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    sessionId: { kind: 'm:1', entity: () => Session, fieldName: 'session_id', mapToPk: true, deleteRule: 'cascade' },
    tokenHash: { type: 'string', length: 64, fieldName: 'token_hash', unique: true },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    usedAt: { type: 'Date', fieldName: 'used_at', nullable: true },
    replacedById: { type: 'string', length: 36, fieldName: 'replaced_by_id', nullable: true },
    successorSealed: { type: 'text', fieldName: 'successor_sealed', nullable: true },
  },
});
