import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';
import { User } from '../user/user.entity';

export type RevokeReason = 'LOGOUT' | 'LOGOUT_ALL' | 'REVOKED' | 'PASSWORD_CHANGED' | 'DEACTIVATED' | 'ROLE_CHANGED' | 'REFRESH_REUSED' | 'SESSION_LIMIT';

/** A login and every refresh token rotated from it (the token family). */
export class Session {
  id: string = uuidv7();
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  /** When the password was last checked for this session; refreshes never move it. */
  authTime: Date;
  /** How the session was opened, as RFC 8176 amr values (space-separated); null for sessions from before it was kept. */
  amr: string | null;
  revokedAt: Date | null = null;
  revokedReason: RevokeReason | null = null;
  userAgent: string | null;
  ip: string | null;
  /** The DPoP key (RFC 7638 thumbprint) the session is bound to: every rotation must prove it. Null: bearer. */
  dpopJkt: string | null;

  constructor(init: { userId: string; now: Date; expiresAt: Date; userAgent: string | null; ip: string | null; dpopJkt?: string | null; amr?: readonly string[] }) {
    this.userId = init.userId;
    this.amr = init.amr?.length ? init.amr.join(' ') : null;
    this.createdAt = init.now;
    this.lastUsedAt = init.now;
    this.authTime = init.now;
    this.expiresAt = init.expiresAt;
    this.userAgent = init.userAgent;
    this.ip = init.ip;
    this.dpopJkt = init.dpopJkt ?? null;
  }
}

/** Within both lifetimes: before its absolute expiry and used within the idle window. */
export function withinLifetime(session: Pick<Session, 'expiresAt' | 'lastUsedAt'>, idleTtlSeconds: number, now: Date): boolean {
  return session.expiresAt.getTime() > now.getTime() && session.lastUsedAt.getTime() + idleTtlSeconds * 1000 > now.getTime();
}

export const SessionSchema = new EntitySchema<Session>({
  class: Session,
  tableName: 'sessions',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    // mapToPk keeps a plain id on the entity while telling the unit of work to insert users first.
    userId: { kind: 'm:1', entity: () => User, fieldName: 'user_id', mapToPk: true, deleteRule: 'cascade' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    lastUsedAt: { type: 'Date', fieldName: 'last_used_at' },
    expiresAt: { type: 'Date', fieldName: 'expires_at' },
    authTime: { type: 'Date', fieldName: 'auth_time' },
    amr: { type: 'string', length: 64, nullable: true },
    revokedAt: { type: 'Date', fieldName: 'revoked_at', nullable: true },
    revokedReason: { type: 'string', length: 32, fieldName: 'revoked_reason', nullable: true },
    userAgent: { type: 'string', length: 512, fieldName: 'user_agent', nullable: true },
    ip: { type: 'string', length: 64, nullable: true },
    dpopJkt: { type: 'string', length: 64, fieldName: 'dpop_jkt', nullable: true },
  },
});

/** A binding made by a rotation is stored as `~<jkt>`: the session had bearer refresh tokens before it. */
export const LATE_BINDING = '~';

/** The key a session is bound to (RFC 7638 thumbprint), whether bound at sign-in or by a later rotation. */
export const boundKey = (stored: string | null): string | null => (stored?.startsWith(LATE_BINDING) ? stored.slice(1) : stored);
