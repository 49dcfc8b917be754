import { toDate, toDateOrNull } from '../../db/native-sql';
import type { RevokeReason, Session } from './session.entity';

/** The sessions columns as a native statement selects them (`s.id as session_id`, …). */
export const SESSION_COLUMNS = ['id', 'user_id', 'created_at', 'last_used_at', 'expires_at', 'auth_time', 'amr', 'revoked_at', 'revoked_reason', 'user_agent', 'ip', 'dpop_jkt']
  .map((c) => `s.${c} as session_${c}`)
  .join(', ');

export interface SessionRow {
  session_id: string;
  session_user_id: string;
  session_created_at: unknown;
  session_last_used_at: unknown;
  session_expires_at: unknown;
  session_auth_time: unknown;
  session_amr: string | null;
  session_revoked_at: unknown;
  session_revoked_reason: RevokeReason | null;
  session_user_agent: string | null;
  session_ip: string | null;
  session_dpop_jkt: string | null;
}

/** A detached snapshot with Session's fields (a plain object, like userFromRow). */
export function sessionFromRow(row: SessionRow): Session {
  return {
    id: row.session_id,
    userId: row.session_user_id,
    createdAt: toDate(row.session_created_at),
    lastUsedAt: toDate(row.session_last_used_at),
    expiresAt: toDate(row.session_expires_at),
    authTime: toDate(row.session_auth_time),
    amr: row.session_amr,
    revokedAt: toDateOrNull(row.session_revoked_at),
    revokedReason: row.session_revoked_reason,
    userAgent: row.session_user_agent,
    ip: row.session_ip,
    dpopJkt: row.session_dpop_jkt,
  };
}
