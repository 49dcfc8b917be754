import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Sealer } from '../../lib/sealer';
import { BadCredentialsError, NotFoundError, UnauthenticatedError } from '../../errors';
import { isUuid, uuidv7 } from '../../lib/ids';
import { withRetry } from '../../db/retry';
import type { NativeSql } from '../../db/native-sql';
import type { AccountEvents } from '../../events';
import type { AuditService } from '../audit/audit.service';
import { User } from '../user/user.entity';
import { RefreshToken } from './refresh-token.entity';
import { boundKey, LATE_BINDING, Session, withinLifetime, type RevokeReason } from './session.entity';
import { findPresented, rotate, type Presented } from './rotation.sql';
import { networkOf } from './session.device';

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

/** What a successful login or refresh hands back, before it is shaped into an AuthPayload. */
export interface IssuedSession {
  session: Session;
  user: User;
  refreshToken: string;
  accessToken: string;
  /** The access token's exp claim, in epoch seconds. */
  accessExp: number;
}

export type AccessSigner = (user: User, session: Session, fresh: boolean) => { accessToken: string; accessExp: number };

const PREFIX = 'tgr_';
const FORMAT = /^tgr_[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => PREFIX + randomBytes(32).toString('base64url');

/** Sessions are refresh-token families: rotation, reuse detection with a grace window, revocation. */
export class SessionService {
  constructor(
    private readonly cfg: Config['session'],
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly sql: NativeSql,
    private readonly events: AccountEvents,
  ) {}

  /**
   * Says the user's sessions ended or their access shrank (SESSIONS_CHANGED), so every instance re-checks their
   * open sockets. Call it once the change is committed: a re-check before the commit would still see the session live.
   */
  announce(userId: string): void {
    this.events.emit({ type: 'SESSIONS_CHANGED', userId });
  }

  /**
   * Starts a session after a password check. For an existing user, `guard` holds the hash that was verified:
   * the session starts only while it is still the stored hash (the update also locks the user row, so a
   * concurrent changePassword either sees this session and ends it, or makes this login fail). `amr` says how
   * the person signed in (RFC 8176); every token of the session carries it. With `jkt` (a DPoP proof came with
   * the request) the session and every token it issues are bound to that key.
   */
  async start(em: EntityManager, user: User, meta: ClientMeta, sign: AccessSigner, guard?: { verifiedHash: string; rehashed?: string }, amr: readonly string[] = ['pwd'], jkt: string | null = null): Promise<IssuedSession> {
    const now = this.clock.now();
    const session = new Session({ userId: user.id, now, expiresAt: new Date(now.getTime() + this.cfg.refreshTtl * 1000), ...meta, amr, dpopJkt: jkt });
    const refreshToken = newToken();
    const evicted = await em.transactional(async (tx) => {
      if (guard) {
        const changes = guard.rehashed ? { passwordHash: guard.rehashed, updatedAt: now } : { passwordHash: guard.verifiedHash };
        if ((await tx.nativeUpdate(User, { id: user.id, passwordHash: guard.verifiedHash }, { ...changes, lastSignInAt: now })) !== 1) throw new BadCredentialsError();
      } else {
        // A new account is inserted with it; an existing one (a provider or passkey sign-in) is updated here too.
        user.lastSignInAt = now;
        tx.persist(user);
        await tx.nativeUpdate(User, { id: user.id }, { lastSignInAt: now });
      }
      tx.persist([session, new RefreshToken(session.id, hashToken(refreshToken), now)]);
      return this.evictOldest(tx, user.id, session.id, now);
    });
    if (guard?.rehashed) user.passwordHash = guard.rehashed;
    user.lastSignInAt = now;
    if (evicted.length) {
      for (const id of evicted) this.audit.record({ type: 'SESSION_REVOKED', userId: user.id, actorId: user.id, sessionId: id, ...meta, detail: { reason: 'SESSION_LIMIT', limit: this.cfg.maxPerUser } });
      if (!em.isInTransaction()) this.announce(user.id); // their sockets close like any revocation
    }
    return { session, user, refreshToken, ...sign(user, session, true) };
  }

  /**
   * SESSION_MAX_PER_USER: the oldest live sessions past the cap end as the new one starts. After a password
   * login the user row is already updated in this transaction, so concurrent logins of one account count in turn.
   */
  private async evictOldest(tx: EntityManager, userId: string, newId: string, now: Date): Promise<string[]> {
    const idleSince = new Date(now.getTime() - this.cfg.idleTtl * 1000);
    const live = { userId, id: { $ne: newId }, revokedAt: null, expiresAt: { $gt: now }, lastUsedAt: { $gt: idleSince } };
    const count = await tx.count(Session, live);
    const excess = count + 1 - this.cfg.maxPerUser;
    if (excess <= 0) return [];
    const oldest = await tx.find(Session, live, { fields: ['id'], orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: excess, disableIdentityMap: true });
    const ids = oldest.map((s) => s.id);
    await this.revoke(tx, ids, 'SESSION_LIMIT');
    return ids;
  }

  /**
   * Trades a refresh token for a new pair; a retired token ends the session unless it is the grace-window predecessor.
   * A DPoP-bound session rotates only with a proof of its key (`jkt`), checked before anything is written or
   * judged a reuse: a copied token without the key changes nothing. A proof on an unbound session binds it,
   * marked late: its older, bearer tokens still count as a reuse when presented again.
   */
  async rotate(em: EntityManager, presented: string, sign: AccessSigner, meta: ClientMeta, jkt: string | null = null): Promise<IssuedSession> {
    if (!FORMAT.test(presented)) throw new UnauthenticatedError('TOKEN_INVALID');
    const tokenHash = hashToken(presented);
    return withRetry(async () => {
      for (let attempt = 0; ; attempt++) {
        const found = await findPresented(this.sql, tokenHash);
        if (!found) throw new UnauthenticatedError('TOKEN_INVALID');
        const { session, user } = await this.assertLive(em, found);
        const key = boundKey(session.dpopJkt);
        // Bound by a rotation, the session had bearer tokens: a retired one is a reuse, whoever bound it since.
        if (found.token.usedAt && key !== session.dpopJkt) return this.replay(em, found.token, session, user, meta);
        if (key && !jkt) throw new UnauthenticatedError('DPOP_REQUIRED');
        if (key && key !== jkt) throw new UnauthenticatedError('DPOP_KEY_MISMATCH');
        if (found.token.usedAt) return this.replay(em, found.token, session, user, meta);
        const issued = await this.mint(found.token.id, session, user, sign, jkt);
        if (issued) return issued;
        if (attempt > 0) throw new Error('refresh rotation lost twice');
        // Another request rotated this token first (or ended the session): re-read and answer as its twin, reuse or revoked.
      }
    });
  }

  /**
   * Ends the session that owns a refresh token; false when the token is unknown or already ended. A DPoP-bound
   * session ends only with a proof of its key (`jkt`): a copied refresh token cannot log the person out.
   */
  async endByRefreshToken(em: EntityManager, presented: string, meta: ClientMeta, jkt: string | null = null): Promise<boolean> {
    if (!FORMAT.test(presented)) return false;
    const token = await em.findOne(RefreshToken, { tokenHash: hashToken(presented) });
    if (!token) return false;
    const session = await em.findOne(Session, { id: token.sessionId }, { fields: ['dpopJkt'], disableIdentityMap: true });
    const key = boundKey(session?.dpopJkt ?? null);
    if (key && !jkt) throw new UnauthenticatedError('DPOP_REQUIRED');
    if (key && key !== jkt) throw new UnauthenticatedError('DPOP_KEY_MISMATCH');
    return this.end(em, token.sessionId, 'LOGOUT', meta);
  }

  /**
   * Revokes one session; true when it was live. `actorId` is who ended it (revokeSession: the viewer, maybe an
   * admin); a logout is the owner's own, a reuse nobody's known.
   */
  async end(em: EntityManager, sessionId: string, reason: RevokeReason, meta?: ClientMeta, actorId?: string): Promise<boolean> {
    const ended = await this.revoke(em, [sessionId], reason);
    if (ended === 0) return false;
    const owner = await em.findOne(Session, { id: sessionId }, { fields: ['userId'], disableIdentityMap: true });
    if (reason === 'LOGOUT' || reason === 'REVOKED' || reason === 'REFRESH_REUSED') {
      const type = reason === 'LOGOUT' ? 'LOGOUT' : reason === 'REVOKED' ? 'SESSION_REVOKED' : 'REFRESH_REUSED';
      const actor = reason === 'REFRESH_REUSED' ? null : (actorId ?? owner?.userId ?? null);
      const by = actor && actor !== owner?.userId ? { detail: { by: actor } } : {};
      this.audit.record({ type, userId: owner?.userId, actorId: actor, sessionId, ...meta, ...by });
    }
    // Inside a transaction the caller announces after its commit.
    if (owner && !em.isInTransaction()) this.announce(owner.userId);
    return true;
  }

  /**
   * Revokes every live session of a user, optionally sparing one; returns how many ended. LOGOUT_ALL is audited
   * with its actor: the person themself (logoutAll) unless `actorId` names another (revokeUserSessions).
   */
  async endAllForUser(em: EntityManager, userId: string, reason: RevokeReason, opts: { except?: string; meta?: ClientMeta; actorId?: string } = {}): Promise<number> {
    const where = { userId, revokedAt: null, ...(opts.except ? { id: { $ne: opts.except } } : {}) };
    const ids = (await em.find(Session, where, { fields: ['id'], disableIdentityMap: true })).map((s) => s.id);
    if (!ids.length) return 0;
    const ended = await this.revoke(em, ids, reason);
    if (reason === 'LOGOUT_ALL') {
      const actorId = opts.actorId ?? userId;
      this.audit.record({ type: 'LOGOUT_ALL', userId, actorId, ...opts.meta, detail: { ended, ...(actorId !== userId ? { by: actorId } : {}) } });
    }
    if (!em.isInTransaction()) this.announce(userId);
    return ended;
  }

  /** Marks sessions revoked and wipes their sealed grace pairs, which can never be answered again. */
  private async revoke(em: EntityManager, ids: string[], reason: RevokeReason): Promise<number> {
    const ended = await em.nativeUpdate(Session, { id: { $in: ids }, revokedAt: null }, { revokedAt: this.clock.now(), revokedReason: reason });
    await em.nativeUpdate(RefreshToken, { sessionId: { $in: ids }, successorSealed: { $ne: null } }, { successorSealed: null });
    return ended;
  }

  /** One of the user's own sessions (anyone's when userId is null); someone else's is reported as not found. */
  async getOwned(em: EntityManager, userId: string | null, sessionId: string): Promise<Session> {
    const session = isUuid(sessionId) ? await em.findOne(Session, { id: sessionId }) : null;
    if (!session || (userId !== null && session.userId !== userId)) throw new NotFoundError('Session', 'id');
    return session;
  }

  /** Whether one of the account's sessions (its last 100, live or not) came from this user agent and network. */
  async knownDevice(em: EntityManager, userId: string, meta: ClientMeta): Promise<boolean> {
    const seen = await em.find(Session, { userId }, { fields: ['ip', 'userAgent'], orderBy: { createdAt: 'desc' }, limit: 100, disableIdentityMap: true });
    const network = networkOf(meta.ip);
    return seen.some((s) => s.userAgent === meta.userAgent && networkOf(s.ip) === network);
  }

  async listLive(em: EntityManager, userId: string): Promise<Session[]> {
    const sessions = await em.find(Session, { userId, revokedAt: null, expiresAt: { $gt: this.clock.now() } }, { orderBy: { createdAt: 'desc', id: 'desc' } });
    return sessions.filter((s) => this.isLive(s));
  }

  isLive(session: Session): boolean {
    return !session.revokedAt && withinLifetime(session, this.cfg.idleTtl, this.clock.now());
  }

  /**
   * Moves the session's auth time (a password was just checked) and retires its live token for a new one;
   * the retired token keeps a non-fresh copy of the pair, so a refresh already in flight gets the grace answer.
   */
  async reissue(em: EntityManager, session: Session, user: User, sign: AccessSigner): Promise<IssuedSession> {
    const now = this.clock.now();
    const refreshToken = newToken();
    const successor = new RefreshToken(session.id, hashToken(refreshToken), now);
    session.authTime = now;
    session.lastUsedAt = now;
    const sealed = this.sealer.seal(JSON.stringify({ ...sign(user, session, false), refreshToken }));
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(RefreshToken, { sessionId: session.id, usedAt: null }, { usedAt: now, replacedById: successor.id, successorSealed: sealed });
      await tx.nativeUpdate(RefreshToken, { sessionId: session.id, replacedById: { $ne: successor.id }, successorSealed: { $ne: null } }, { successorSealed: null });
      await tx.nativeUpdate(Session, { id: session.id }, { authTime: now, lastUsedAt: now });
      tx.persist(successor);
    });
    return { session, user, refreshToken, ...sign(user, session, true) };
  }

  refreshExpiresIn(session: Session): number {
    return Math.max(0, Math.floor((session.expiresAt.getTime() - this.clock.now().getTime()) / 1000));
  }

  private async assertLive(em: EntityManager, { session, user }: Presented): Promise<{ session: Session; user: User }> {
    if (!session || session.revokedAt) throw new UnauthenticatedError('TOKEN_REVOKED');
    if (!this.isLive(session)) throw new UnauthenticatedError('TOKEN_EXPIRED');
    if (!user) throw new UnauthenticatedError('TOKEN_REVOKED');
    if (!user.isActive) {
      await this.end(em, session.id, 'DEACTIVATED');
      throw new UnauthenticatedError('ACCOUNT_DISABLED');
    }
    return { session, user };
  }

  /** The new pair, or null when another request rotated the token first. */
  private async mint(tokenId: string, session: Session, user: User, sign: AccessSigner, jkt: string | null): Promise<IssuedSession | null> {
    const now = this.clock.now();
    const refreshToken = newToken();
    session.lastUsedAt = now; // the signer and the idle clock see the new use
    if (!session.dpopJkt && jkt) session.dpopJkt = LATE_BINDING + jkt;
    const access = sign(user, session, false);
    const sealed = this.sealer.seal(JSON.stringify({ ...access, refreshToken }));
    const won = await rotate(this.sql, { tokenId, sessionId: session.id, successorId: uuidv7(), successorHash: hashToken(refreshToken), sealed, now, jkt: session.dpopJkt });
    return won ? { session, user, refreshToken, ...access } : null;
  }

  private async replay(em: EntityManager, token: Presented['token'], session: Session, user: User, meta: ClientMeta): Promise<IssuedSession> {
    const inGrace = token.usedAt!.getTime() + this.cfg.graceSeconds * 1000 > this.clock.now().getTime();
    const opened = inGrace && token.successorLive && token.successorSealed ? this.sealer.open(token.successorSealed) : null;
    if (opened) {
      const pair = JSON.parse(opened) as { accessToken: string; accessExp: number; refreshToken: string };
      return { session, user, ...pair };
    }
    await this.end(em, session.id, 'REFRESH_REUSED', meta);
    throw new UnauthenticatedError('REFRESH_REUSED');
  }
}
