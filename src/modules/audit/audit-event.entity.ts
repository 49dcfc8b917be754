import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';

export const AUDIT_EVENT_TYPES = [
  'REGISTERED',
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'LOGIN_LOCKED',
  'REFRESHED',
  'REFRESH_REUSED',
  'LOGOUT',
  'LOGOUT_ALL',
  'SESSION_REVOKED',
  'PASSWORD_CHANGED',
  'ROLE_CHANGED',
  'USER_DEACTIVATED',
  'USER_ACTIVATED',
  'ACCOUNT_DELETED',
  'PRODUCT_CREATED',
  'PRODUCT_UPDATED',
  'PRODUCT_DELETED',
  'OIDC_REFUSED',
  'IDENTITY_LINKED',
  'IDENTITY_UNLINKED',
  'PASSWORD_SET',
  'ROLE_CREATED',
  'ROLE_UPDATED',
  'ROLE_DELETED',
  'ROLE_GRANTED',
  'ROLE_REVOKED',
  'API_TOKEN_CREATED',
  'API_TOKEN_USED',
  'API_TOKEN_REVOKED',
  'EMAIL_VERIFICATION_SENT',
  'EMAIL_VERIFIED',
  'EMAIL_CHANGE_REQUESTED',
  'EMAIL_CHANGED',
  'PASSWORD_RESET_REQUESTED',
  'PASSWORD_RESET_SENT',
  'PASSWORD_RESET',
  'MAIL_FAILED',
  'MFA_FACTOR_ADDED',
  'MFA_FACTOR_REMOVED',
  'MFA_CODE_FAILED',
  'MFA_RESET',
  'RECOVERY_CODES_REGENERATED',
  'RECOVERY_CODE_USED',
  'PASSKEY_REJECTED',
  'RATE_LIMITED',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Refusals and failures (AuditEvent.outcome FAILURE); every other type records something that happened. */
export const FAILURE_TYPES: ReadonlySet<AuditEventType> = new Set<AuditEventType>([
  'LOGIN_FAILED',
  'LOGIN_LOCKED',
  'REFRESH_REUSED',
  'OIDC_REFUSED',
  'MFA_CODE_FAILED',
  'PASSKEY_REJECTED',
  'MAIL_FAILED',
  'RATE_LIMITED',
]);

export type AuditOutcome = 'SUCCESS' | 'FAILURE';
export const outcomeOf = (type: AuditEventType): AuditOutcome => (FAILURE_TYPES.has(type) ? 'FAILURE' : 'SUCCESS');

let lastId = '';

/** uuidv7 of the event time, bumped past the last id so same-millisecond events (and a clock step back) keep call order. */
function nextId(ms: number): string {
  let id = uuidv7(ms);
  if (id <= lastId) {
    const tail = (parseInt(lastId.slice(24), 16) + 1).toString(16).padStart(12, '0');
    if (tail.length === 12) id = lastId.slice(0, 24) + tail;
  }
  lastId = id;
  return id;
}

/** One security-relevant happening; append-only, never updated. */
export class AuditEvent {
  id: string;
  type: AuditEventType;
  at: Date;
  userId: string | null;
  /** Who acted: an admin acting on the subject, or the subject themself; null when unknown. */
  actorId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Short JSON text with event-specific facts (e.g. the new role). */
  detail: string | null;

  constructor(init: {
    type: AuditEventType;
    at: Date;
    userId?: string | null;
    actorId?: string | null;
    sessionId?: string | null;
    ip?: string | null;
    userAgent?: string | null;
    detail?: string | null;
  }) {
    this.id = nextId(init.at.getTime());
    this.type = init.type;
    this.at = init.at;
    this.userId = init.userId ?? null;
    this.actorId = init.actorId ?? null;
    this.sessionId = init.sessionId ?? null;
    this.ip = init.ip ?? null;
    this.userAgent = init.userAgent ?? null;
    this.detail = init.detail ?? null;
  }
}

export const AuditEventSchema = new EntitySchema<AuditEvent>({
  class: AuditEvent,
  tableName: 'audit_events',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    type: { type: 'string', length: 32 },
    at: { type: 'Date' },
    // Plain columns, no foreign keys: the trail must outlive the users and sessions it mentions.
    userId: { type: 'string', length: 36, fieldName: 'user_id', nullable: true },
    actorId: { type: 'string', length: 36, fieldName: 'actor_id', nullable: true },
    sessionId: { type: 'string', length: 36, fieldName: 'session_id', nullable: true },
    ip: { type: 'string', length: 64, nullable: true },
    userAgent: { type: 'string', length: 512, fieldName: 'user_agent', nullable: true },
    detail: { type: 'text', nullable: true },
  },
});
