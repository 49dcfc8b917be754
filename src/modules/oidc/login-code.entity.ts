import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { User } from '../user/user.entity';

/** LOGIN: a finished sign-in waiting for completeExternalLogin. LINK: a signed-in user's ticket to start linking a provider. */
export type LoginCodePurpose = 'LOGIN' | 'LINK';

/** A single-use, short-lived secret handed to a client; only its SHA-256 is stored. */
export class LoginCode {
  id: string = uuidv7();
  codeHash: string;
  purpose: LoginCodePurpose;
  userId: string;
  /** LINK: the session that asked for the ticket, which must still be live when the flow starts. */
  sessionId: string | null;
  /** LINK: SHA-256 of the link cookie of the browser that asked, which /start and the callback must present. */
  bindingHash: string | null;
  provider: string;
  createdAt: Date;
  expiresAt: Date;

  constructor(init: { codeHash: string; purpose: LoginCodePurpose; userId: string; sessionId?: string | null; bindingHash?: string | null; provider: string; now: Date; ttlSeconds: number }) {
    this.codeHash = init.codeHash;
    this.purpose = init.purpose;
    this.userId = init.userId;
    this.sessionId = init.sessionId ?? null;
    this.bindingHash = init.bindingHash ?? null;
    this.provider = init.provider;
    this.createdAt = init.now;
    this.expiresAt = new Date(init.now.getTime() + init.ttlSeconds * 1000);
  }
}

export const LoginCodeSchema = new EntitySchema<LoginCode>({
  class: LoginCode,
  tableName: 'login_codes',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    codeHash: { type: 'string', length: 64, fieldName: 'code_hash', unique: true },
    purpose: { type: 'string', length: 8 },
    userId: { kind: 'm:1', entity: () => User, fieldName: 'user_id', mapToPk: true, deleteRule: 'cascade' },
    sessionId: { type: 'string', length: 36, fieldName: 'session_id', nullable: true },
    bindingHash: { type: 'string', length: 64, fieldName: 'binding_hash', nullable: true },
    provider: { type: 'string', length: 32 },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    expiresAt: { type: 'Date', fieldName: 'expires_at' },
  },
});
