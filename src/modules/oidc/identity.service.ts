import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../lib/clock';
import { epochSeconds } from '../../lib/clock';
import { withRetry } from '../../db/retry';
import { ForbiddenError, LastSignInMethodError, NotFoundError, OidcFlowError, PasswordAlreadySetError } from '../../errors';
import { isUuid } from '../../lib/ids';
import type { AccountEvents } from '../../events';
import { assertNotGuessable } from '../auth/password.policy';
import type { PasswordService } from '../auth/password.service';
import type { AccessClaims } from '../auth/token.service';
import type { ClientMeta } from '../session/session.service';
import { hasPassword, NO_PASSWORD, User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import { Identity } from './identity.entity';
import { baseUsername, candidate, type NameClaims } from './username';

/** What the callback learnt from a validated ID token (and, when it lacked names, the UserInfo response). */
export interface ProviderProfile extends NameClaims {
  sub: string;
  email: string | null;
}

const NAME_ATTEMPTS = 12;

/** Accounts behind provider identities: find or create on sign-in, explicit linking, unlinking, a first password. */
export class IdentityService {
  constructor(
    private readonly users: UserService,
    private readonly passwords: PasswordService,
    private readonly clock: Clock,
    private readonly freshWindow: number,
    private readonly events: AccountEvents,
  ) {}

  /**
   * The account of (provider, sub), created when unknown, never matched by e-mail: whoever controls an address
   * at some provider must not inherit a local account that uses the same address.
   */
  async signIn(em: EntityManager, provider: string, profile: ProviderProfile, meta: ClientMeta): Promise<User> {
    const known = await this.ownerOf(em, provider, profile);
    if (known) return known;
    const base = baseUsername(profile);
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const username = candidate(base, attempt);
      if (await this.users.findByUsername(em, username)) continue;
      const now = this.clock.now();
      const user = new User(username, NO_PASSWORD, now);
      try {
        await withRetry(() =>
          em.transactional(async (tx) => {
            tx.persist(user);
            tx.persist(new Identity({ userId: user.id, provider, subject: profile.sub, email: profile.email, now }));
          }),
        );
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
        em.clear();
        // A concurrent first sign-in of the same identity won: use its account. Otherwise the name was taken.
        const raced = await this.ownerOf(em, provider, profile);
        if (raced) return raced;
        continue;
      }
      this.events.emit({ type: 'REGISTERED', userId: user.id, meta, method: 'oidc', provider });
      return user;
    }
    throw new Error(`no free username near "${base}" after ${NAME_ATTEMPTS} attempts`);
  }

  /** Links (provider, sub) to a signed-in user; refused when another account already has it. */
  async link(em: EntityManager, userId: string, provider: string, profile: ProviderProfile, meta: ClientMeta): Promise<Identity> {
    const user = await em.findOne(User, { id: userId });
    if (!user || !user.isActive) throw new OidcFlowError('ACCOUNT_DISABLED', 'link target unavailable');
    for (let attempt = 0; ; attempt++) {
      const existing = await em.findOne(Identity, { provider, subject: profile.sub });
      if (existing) {
        if (existing.userId !== userId) throw new OidcFlowError('IDENTITY_IN_USE');
        await this.touch(em, existing, profile);
        return existing;
      }
      const identity = new Identity({ userId, provider, subject: profile.sub, email: profile.email, now: this.clock.now() });
      try {
        await em.insert(identity);
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException) || attempt > 0) throw err;
        continue;
      }
      this.events.emit({ type: 'IDENTITY_LINKED', userId, meta, provider, identityId: identity.id });
      return identity;
    }
  }

  list(em: EntityManager, userId: string): Promise<Identity[]> {
    return em.find(Identity, { userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Removes one of the viewer's identities unless it is the account's last way to sign in. */
  async unlink(em: EntityManager, viewer: User, id: string, meta: ClientMeta): Promise<void> {
    const removed = await withRetry(() =>
      em.transactional(async (tx) => {
        // Touching the user row first serialises concurrent unlinks (and setPassword) of one account.
        await tx.nativeUpdate(User, { id: viewer.id }, { updatedAt: this.clock.now() });
        const identity = isUuid(id) ? await tx.findOne(Identity, { id, userId: viewer.id }) : null;
        if (!identity) throw new NotFoundError('Identity', 'id');
        const user = await tx.findOneOrFail(User, { id: viewer.id }, { disableIdentityMap: true });
        const others = await tx.count(Identity, { userId: viewer.id, id: { $ne: identity.id } });
        if (!hasPassword(user) && others === 0) throw new LastSignInMethodError();
        await tx.nativeDelete(Identity, { id: identity.id });
        return identity;
      }),
    );
    this.events.emit({ type: 'IDENTITY_UNLINKED', userId: viewer.id, meta, provider: removed.provider, identityId: removed.id });
  }

  /** A first password for an account created by a provider sign-in; needs a recent sign-in, like changePassword. */
  async setPassword(em: EntityManager, viewer: User, claims: AccessClaims, newPassword: string, meta: ClientMeta): Promise<void> {
    assertFreshLogin(claims, this.clock.now(), this.freshWindow);
    if (hasPassword(viewer)) throw new PasswordAlreadySetError();
    const password = this.passwords.normalize(newPassword, 'newPassword');
    assertNotGuessable(password, viewer.username, 'newPassword');
    const passwordHash = await this.passwords.hash(password);
    const changed = await withRetry(() => em.nativeUpdate(User, { id: viewer.id, passwordHash: NO_PASSWORD }, { passwordHash, updatedAt: this.clock.now() }));
    if (changed !== 1) throw new PasswordAlreadySetError();
    viewer.passwordHash = passwordHash;
    this.events.emit({ type: 'PASSWORD_SET', userId: viewer.id, sessionId: claims.sid, meta });
  }

  /** The active owner of a known identity (noting its use); a deactivated owner refuses the sign-in. */
  private async ownerOf(em: EntityManager, provider: string, profile: ProviderProfile): Promise<User | null> {
    const identity = await em.findOne(Identity, { provider, subject: profile.sub });
    if (!identity) return null;
    const user = await em.findOne(User, { id: identity.userId });
    if (!user) return null;
    if (!user.isActive) throw new OidcFlowError('ACCOUNT_DISABLED', `user ${user.id}`);
    await this.touch(em, identity, profile);
    return user;
  }

  private async touch(em: EntityManager, identity: Identity, profile: ProviderProfile): Promise<void> {
    const now = this.clock.now();
    await em.nativeUpdate(Identity, { id: identity.id }, { lastUsedAt: now, ...(profile.email ? { email: profile.email } : {}) });
    identity.lastUsedAt = now;
    if (profile.email) identity.email = profile.email;
  }
}

/** Fresh login: the access token was minted right after a sign-in (password or provider) within the window. */
export function assertFreshLogin(claims: AccessClaims, now: Date, windowSeconds: number): void {
  if (claims.auth_time === undefined || epochSeconds(now) - claims.auth_time > windowSeconds) throw new ForbiddenError('FRESH_LOGIN_REQUIRED');
}
