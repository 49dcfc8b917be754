import { pgStatement, statement, toDateOrNull, type NativeSql } from '../../db/native-sql';
import { USER_COLUMNS, userFromRow, type UserRow } from '../user/user.row';
import type { User } from '../user/user.entity';
import type { Session } from './session.entity';
import { SESSION_COLUMNS, sessionFromRow, type SessionRow } from './session.row';

/** A presented refresh token with what rotation needs to decide: its session, user and successor. */
export interface Presented {
  /** successorLive: the token it was rotated into exists and is still unused (the grace window's condition). */
  token: { id: string; usedAt: Date | null; successorSealed: string | null; successorLive: boolean };
  session: Session | null;
  user: User | null;
}

// One lookup instead of three: the token, its session, the user and whether its successor is still live.
const PRESENTED = statement(
  'tg_refresh_presented',
  `select t.id as token_id, t.used_at as token_used_at, t.successor_sealed as token_successor_sealed,
  n.id as next_id, n.used_at as next_used_at, ${SESSION_COLUMNS}, ${USER_COLUMNS}
  from refresh_tokens t left join sessions s on s.id = t.session_id left join users u on u.id = s.user_id
  left join refresh_tokens n on n.id = t.replaced_by_id where t.token_hash = ?`,
);

type PresentedRow = SessionRow & UserRow & {
  token_id: string;
  token_used_at: unknown;
  token_successor_sealed: string | null;
  next_id: string | null;
  next_used_at: unknown;
};

export async function findPresented(sql: NativeSql, tokenHash: string): Promise<Presented | null> {
  const row = await sql.get<PresentedRow>(PRESENTED, [tokenHash]);
  if (!row) return null;
  const token = {
    id: row.token_id,
    usedAt: toDateOrNull(row.token_used_at),
    successorSealed: row.token_successor_sealed,
    successorLive: row.next_id != null && row.next_used_at == null,
  };
  return { token, session: row.session_id == null ? null : sessionFromRow(row), user: row.user_id == null ? null : userFromRow(row) };
}

export interface Rotation {
  tokenId: string;
  sessionId: string;
  successorId: string;
  successorHash: string;
  /** The successor pair, sealed, kept on the retired token for the grace window. */
  sealed: string;
  now: Date;
  /** The DPoP key the rotation proved: binds an unbound session, and must match a bound one. */
  jkt: string | null;
}

/*
 * The compare-and-set as one statement on PostgreSQL. The session row is updated (and so locked) first,
 * in the order revocation locks, and only while it is not revoked; the token flips only from used_at null,
 * so of concurrent rotations exactly one sees a row in `won`. The rest run only for that one.
 */
const ROTATE_PG = pgStatement(
  'tg_refresh_rotate',
  `with touched as (
    update sessions set last_used_at = $1, dpop_jkt = coalesce(dpop_jkt, $7::varchar)
    where id = $5 and revoked_at is null and (dpop_jkt is null or dpop_jkt = $7::varchar) returning id
  ), won as (
    update refresh_tokens set used_at = $1, replaced_by_id = $2, successor_sealed = $3
    where id = $4 and used_at is null and exists (select 1 from touched) returning id
  ), wiped as (
    update refresh_tokens set successor_sealed = null
    where session_id = $5 and replaced_by_id = $4 and successor_sealed is not null and exists (select 1 from won)
  ), minted as (
    insert into refresh_tokens (id, session_id, token_hash, created_at) select $2, $5, $6::varchar, $1 from won
  )
  select count(*)::int as won from won`,
);

// SQLite: the same steps in one synchronous transaction (shared with the turn's other rotations: one commit).
const TOUCH = statement(
  'tg_refresh_touch',
  'update sessions set last_used_at = ?, dpop_jkt = coalesce(dpop_jkt, ?) where id = ? and revoked_at is null and (dpop_jkt is null or dpop_jkt = ?)',
);
const CAS = statement('tg_refresh_cas', 'update refresh_tokens set used_at = ?, replaced_by_id = ?, successor_sealed = ? where id = ? and used_at is null');
const WIPE = statement('tg_refresh_wipe', 'update refresh_tokens set successor_sealed = null where session_id = ? and replaced_by_id = ? and successor_sealed is not null');
const MINT = statement('tg_refresh_mint', 'insert into refresh_tokens (id, session_id, token_hash, created_at) values (?, ?, ?, ?)');

class Lost extends Error {}

/** Retires the token for its successor; false when another rotation won or the session ended meanwhile. */
export async function rotate(sql: NativeSql, r: Rotation): Promise<boolean> {
  if (sql.dialect === 'postgresql') {
    const row = await sql.get<{ won: number }>(ROTATE_PG, [r.now, r.successorId, r.sealed, r.tokenId, r.sessionId, r.successorHash, r.jkt]);
    return row?.won === 1;
  }
  const now = r.now.getTime();
  try {
    return await sql.sqliteTransaction((prepare) => {
      if (prepare(TOUCH).run(now, r.jkt, r.sessionId, r.jkt).changes !== 1) throw new Lost();
      if (prepare(CAS).run(now, r.successorId, r.sealed, r.tokenId).changes !== 1) throw new Lost();
      prepare(WIPE).run(r.sessionId, r.tokenId);
      prepare(MINT).run(r.successorId, r.sessionId, r.successorHash, now);
      return true;
    });
  } catch (err) {
    if (err instanceof Lost) return false; // rolled back to its savepoint: nothing of this rotation was written
    throw err;
  }
}
