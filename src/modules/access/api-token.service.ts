import type { EntityManager } from '@mikro-orm/core';
import { BadUserInputError, ForbiddenError, NotFoundError, TooManyApiTokensError, UnauthenticatedError } from '../../errors';
import { withRetry } from '../../db/retry';
import { statement, toDate, toDateOrNull, type NativeSql } from '../../db/native-sql';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import { cleanName } from '../../lib/text';
import type { AuditService } from '../audit/audit.service';
import type { RateLimits } from '../auth/rate-limit';
import type { ClientMeta } from '../session/session.service';
import type { AccountEvents } from '../../events';
import type { User } from '../user/user.entity';
import { USER_COLUMNS, userFromRow, type UserRow } from '../user/user.row';
import type { Actor } from '../user/user.service';
import { assertMayActOn } from './account-guard';
import { lockRoleChanges } from './managers';
import { isPermission, joinScopes, ordered, SESSION_ONLY, splitScopes, type Permission } from './permissions';
import { ApiToken } from './api-token.entity';
import { newApiTokenSecret } from './api-token.secret';

export const API_TOKEN_LIMITS = { maxLive: 20, minDays: 1, maxDays: 365, nameMax: 80 } as const;
/** lastUsedAt is written at most this often (and whenever the address changes). */
const TOUCH_MS = 60_000;
/** Revoked and expired tokens are kept this long (they answer API_TOKEN_REVOKED / _EXPIRED), then purged. */
const KEEP_DEAD_MS = 90 * 86_400_000;

// One indexed lookup by hash, joined with the owner, prepared once per connection like the viewer check.
const LOOKUP = statement(
  'tg_api_token',
  `select ${USER_COLUMNS}, t.id as tok_id, t.scopes as tok_scopes, t.expires_at as tok_expires_at, t.revoked_at as tok_revoked_at,
  t.last_used_at as tok_last_used_at, t.last_ip as tok_last_ip
  from api_tokens t join users u on u.id = t.user_id where t.token_hash = ?`,
);

type LookupRow = UserRow & {
  tok_id: string;
  tok_scopes: string;
  tok_expires_at: unknown;
  tok_revoked_at: unknown;
  tok_last_used_at: unknown;
  tok_last_ip: string | null;
};

/** Revokes every live token of an account (in the caller's transaction); returns how many were live. */
export async function revokeAllApiTokens(em: EntityManager, userId: string, now: Date): Promise<number> {
  return em.nativeUpdate(ApiToken, { userId, revokedAt: null, expiresAt: { $gt: now } }, { revokedAt: now });
}

/** The token behind a request, as its checks need it. */
export interface TokenCredential {
  id: string;
  userId: string;
  scopes: Permission[];
  expiresAt: Date;
}

export interface CreatedApiTokenModel {
  token: string;
  apiToken: ApiToken;
}

/** Personal API tokens: creation (secret shown once), the per-request lookup, listing and revocation. */
export class ApiTokenService {
  private readonly pending = new Set<Promise<void>>();
  /** Touches scheduled on this instance, so a burst of requests writes once. */
  private readonly touching = new Set<string>();

  constructor(
    private readonly sql: NativeSql,
    private readonly getEm: () => EntityManager,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly limits: RateLimits,
    private readonly logger: Logger,
    private readonly events: AccountEvents,
  ) {}

  /**
   * `scopes` must be permissions the owner holds now (never roles:manage), so a token never starts with more
   * than its owner; later it is also narrowed by the owner's permissions on each request.
   */
  async create(em: EntityManager, owner: User, held: ReadonlySet<string>, input: { name: string; scopes: string[]; expiresInDays: number }, meta: ClientMeta): Promise<CreatedApiTokenModel> {
    const name = cleanName(input.name, 'name', API_TOKEN_LIMITS.nameMax);
    const unknown = input.scopes.find((s) => !isPermission(s));
    if (unknown !== undefined) throw new BadUserInputError('scopes', `Unknown permission "${unknown.slice(0, 64)}"; see the permissions query.`, 'UNKNOWN_PERMISSION');
    const scopes = ordered(input.scopes);
    const sessionOnly = scopes.find((s) => SESSION_ONLY.has(s));
    if (sessionOnly) throw new BadUserInputError('scopes', `${sessionOnly} cannot be given to an API token.`, 'SCOPE_NOT_ALLOWED');
    const lacking = scopes.find((s) => !held.has(s));
    if (lacking) throw new ForbiddenError('PERMISSION_NOT_HELD', lacking);
    const days = input.expiresInDays;
    if (!Number.isInteger(days) || days < API_TOKEN_LIMITS.minDays || days > API_TOKEN_LIMITS.maxDays) {
      throw new BadUserInputError('expiresInDays', `expiresInDays must be ${API_TOKEN_LIMITS.minDays} to ${API_TOKEN_LIMITS.maxDays}.`);
    }
    const now = this.clock.now();
    const secret = newApiTokenSecret();
    const row = new ApiToken({ userId: owner.id, name, tokenHash: secret.hash, prefix: secret.prefix, scopes: joinScopes(scopes), now, expiresAt: new Date(now.getTime() + days * 86_400_000) });
    await withRetry(() =>
      em.fork().transactional(async (tx) => {
        // One creation at a time per deployment (PostgreSQL), so two racing creates cannot both pass the limit.
        await lockRoleChanges(tx);
        await tx.nativeDelete(ApiToken, { userId: owner.id, $or: [{ revokedAt: { $lt: new Date(now.getTime() - KEEP_DEAD_MS) } }, { expiresAt: { $lt: new Date(now.getTime() - KEEP_DEAD_MS) } }] });
        const live = await tx.count(ApiToken, { userId: owner.id, revokedAt: null, expiresAt: { $gt: now } });
        if (live >= API_TOKEN_LIMITS.maxLive) throw new TooManyApiTokensError(API_TOKEN_LIMITS.maxLive);
        await tx.insert(row);
      }),
    );
    this.events.emit({ type: 'API_TOKEN_CREATED', userId: owner.id, meta, tokenId: row.id, name, scopes, expiresAt: row.expiresAt.toISOString() });
    return { token: secret.token, apiToken: row };
  }

  /** Tokens that are not revoked (expired ones included, so people see what lapsed), newest first. */
  list(em: EntityManager, userId: string): Promise<ApiToken[]> {
    if (!isUuid(userId)) return Promise.resolve([]);
    return em.find(ApiToken, { userId, revokedAt: null }, { orderBy: { id: 'desc' } });
  }

  /**
   * The owner's own token, or with api-tokens:manage one of an account holding no permission the actor lacks;
   * others' tokens are NOT_FOUND without it (no existence oracle).
   */
  async revoke(em: EntityManager, actor: Actor & { user: User; permissions: ReadonlySet<string> }, id: string): Promise<boolean> {
    const token = isUuid(id) ? await em.findOne(ApiToken, { id }, { disableIdentityMap: true }) : null;
    const mayManage = actor.permissions.has('api-tokens:manage');
    if (!token || (token.userId !== actor.user.id && !mayManage)) throw new NotFoundError('API token', 'id');
    if (token.userId !== actor.user.id) await assertMayActOn(em, actor, token.userId);
    if (token.revokedAt) return false;
    const revoked = (await em.nativeUpdate(ApiToken, { id: token.id, revokedAt: null }, { revokedAt: this.clock.now() })) === 1;
    if (revoked) {
      // Sockets opened with it close (API_TOKEN_REVOKED) at the re-check the event starts.
      this.events.emit({ type: 'API_TOKEN_REVOKED', userId: token.userId, meta: actor.meta, tokenId: token.id, name: token.name, by: actor.user.id });
    }
    return revoked;
  }

  /**
   * The per-request check: one indexed lookup by hash joined with the owner. An unknown token counts against
   * the client's failure limit; a revoked or expired one, or a deactivated owner, is refused with its reason.
   * lastUsedAt is written after the response is on its way, at most once a minute.
   */
  async authenticate(hash: string, meta: ClientMeta): Promise<{ user: User; token: TokenCredential }> {
    this.limits.apiTokenAllowed(meta.ip);
    const row = await this.sql.get<LookupRow>(LOOKUP, [hash]);
    if (!row) {
      await this.limits.apiTokenFailed(meta.ip);
      throw new UnauthenticatedError('TOKEN_INVALID');
    }
    const user = userFromRow(row);
    if (!user.isActive) throw new UnauthenticatedError('ACCOUNT_DISABLED');
    if (row.tok_revoked_at != null) throw new UnauthenticatedError('API_TOKEN_REVOKED');
    const expiresAt = toDate(row.tok_expires_at);
    if (expiresAt.getTime() <= this.clock.now().getTime()) throw new UnauthenticatedError('API_TOKEN_EXPIRED');
    this.touch({ id: row.tok_id, userId: user.id, lastUsedAt: toDateOrNull(row.tok_last_used_at), lastIp: row.tok_last_ip }, meta);
    return { user, token: { id: row.tok_id, userId: user.id, scopes: splitScopes(row.tok_scopes), expiresAt } };
  }

  /** Resolves once every lastUsedAt write scheduled so far is done (before the database closes). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Records use off the request's path: lastUsedAt when a minute has passed, and the address when it differs
   * from the last one (audited as API_TOKEN_USED). Conditional updates, so instances racing write once.
   */
  private touch(token: { id: string; userId: string; lastUsedAt: Date | null; lastIp: string | null }, meta: ClientMeta): void {
    const now = this.clock.now();
    const newAddress = meta.ip !== null && meta.ip !== token.lastIp;
    if (!newAddress && token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < TOUCH_MS) return;
    const key = `${token.id} ${newAddress ? meta.ip : ''}`;
    if (this.touching.has(key)) return;
    this.touching.add(key);
    const write = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const em = this.getEm().fork();
        if (newAddress) {
          const where = { id: token.id, $or: [{ lastIp: null }, { lastIp: { $ne: meta.ip } }] };
          if ((await em.nativeUpdate(ApiToken, where, { lastUsedAt: now, lastIp: meta.ip })) === 1) {
            this.audit.record({ type: 'API_TOKEN_USED', userId: token.userId, actorId: token.userId, ...meta, detail: { tokenId: token.id, previousIp: token.lastIp } });
          }
        } else {
          const stale = new Date(now.getTime() - TOUCH_MS);
          await em.nativeUpdate(ApiToken, { id: token.id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: stale } }] }, { lastUsedAt: now });
        }
      })
      .catch((err: unknown) => this.logger.warn('API token use not recorded', { message: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.touching.delete(key);
        this.pending.delete(write);
      });
    this.pending.add(write);
  }
}
