import type { EntityManager } from '@mikro-orm/core';
import { NativeSql } from './db/native-sql';
import type { Config } from './config';
import type { Logger } from './lib/logger';
import { AuditService } from './modules/audit/audit.service';
import type { Clock } from './lib/clock';
import { Sealer } from './lib/sealer';
import { AuthService } from './modules/auth/auth.service';
import { PasswordService } from './modules/auth/password.service';
import type { RateLimits } from './modules/auth/rate-limit';
import { RateLimitLog } from './modules/auth/rate-limit.log';
import { TokenService } from './modules/auth/token.service';
import { SessionService } from './modules/session/session.service';
import { UserService } from './modules/user/user.service';
import type { LiveService } from './modules/live/live.service';
import { ProductService } from './modules/product/product.service';
import { ShopperService } from './modules/shopper/shopper.service';
import { CartService } from './modules/cart/cart.service';
import { WishlistService } from './modules/wishlist/wishlist.service';
import { createOidcService } from './modules/oidc/oidc.module';
import type { OidcService } from './modules/oidc/oidc.service';
import { ManagerGuard } from './modules/access/managers';
import { RoleService } from './modules/access/role.service';
import { ApiTokenService } from './modules/access/api-token.service';
import { DpopService } from './modules/dpop/dpop.service';
import { MemoryReplayCache, type ReplayCache } from './modules/dpop/dpop.replay';
import { MfaService } from './modules/mfa/mfa.service';
import { MfaTickets } from './modules/mfa/mfa.tickets';
import { PasskeyService } from './modules/mfa/passkey.service';
import { MfaGate, MfaLoginService } from './modules/mfa/mfa-login.service';
import { StepUp } from './modules/mfa/step-up';
import { RecoveryCodeHasher } from './modules/mfa/recovery-codes';
import { AccountEvents } from './events';
import { auditAccountEvents } from './modules/audit/audit.listener';
import { reviseLiveOnAccountEvents } from './modules/live/live.listener';
import { Mailer } from './modules/mail/mailer';
import { sendNotices } from './modules/mail/mail.notices';
import { EmailService } from './modules/email/email.service';
import { AuthStatsService } from './modules/admin/auth-stats.service';

export interface Services {
  tokens: TokenService;
  passwords: PasswordService;
  sessions: SessionService;
  users: UserService;
  auth: AuthService;
  audit: AuditService;
  live: LiveService;
  products: ProductService;
  carts: CartService;
  wishlists: WishlistService;
  oidc: OidcService;
  /** The hot path's prepared statements (viewer check, refresh rotation, API token lookup). */
  sql: NativeSql;
  roles: RoleService;
  apiTokens: ApiTokenService;
  dpop: DpopService;
  mfa: MfaService;
  mfaLogin: MfaLoginService;
  passkeys: PasskeyService;
  stepUp: StepUp;
  /** What happened to accounts: audit, live re-checks (and mail) listen. */
  events: AccountEvents;
  /** Queues mail in the outbox (the worker in app.ts sends it). */
  mailer: Mailer;
  emails: EmailService;
  /** The admin console's hourly numbers (authStats). */
  stats: AuthStatsService;
}

/** Wires the stateless services once per process; each call takes the request's EntityManager. */
export function createServices(config: Config, clock: Clock, limits: RateLimits, getEm: () => EntityManager, logger: Logger, live: LiveService, replay: ReplayCache = new MemoryReplayCache(clock)): Services {
  const audit = new AuditService(getEm, clock, logger);
  const events = new AccountEvents(logger);
  auditAccountEvents(events, audit);
  // The live tail: every instance hears of each row once it is written.
  audit.onWritten = (batch) => live.auditWritten(batch.map((e) => ({ id: e.id, type: e.type, userId: e.userId, actorId: e.actorId })));
  const rateLimitLog = new RateLimitLog(audit, clock);
  limits.onBlocked = (limiter, key, retryAfter) => rateLimitLog.refused(limiter, key, retryAfter);
  reviseLiveOnAccountEvents(events, live);
  const sql = new NativeSql(config.database.kind, getEm);
  const tokens = new TokenService(config.jwt, clock);
  const passwords = new PasswordService(config.argon2);
  const sessions = new SessionService(config.session, new Sealer(config.jwt.secret, 'refresh-grace'), clock, audit, sql, events);
  const managers = new ManagerGuard();
  const users = new UserService(sessions, clock, events, managers);
  const roles = new RoleService(users, sessions, managers, clock, audit, events);
  const apiTokens = new ApiTokenService(sql, getEm, clock, audit, limits, logger, events);
  const mfa = new MfaService(new Sealer(config.jwt.secret, 'totp'), new RecoveryCodeHasher(config.jwt.secret), clock, limits, audit, users, events);
  const tickets = new MfaTickets(clock);
  const passkeys = new PasskeyService(config.mfa.webauthn, tickets, clock);
  const stepUp = new StepUp(mfa, clock, config.session.freshLoginWindow);
  const auth = new AuthService(tokens, passwords, sessions, users, clock, limits, audit, events, config.email, new MfaGate(mfa, tickets), stepUp);
  const mfaLogin = new MfaLoginService(mfa, passkeys, tickets, sessions, auth.sign, limits, audit, events);
  const shoppers = new ShopperService();
  const carts = new CartService(clock, shoppers, live);
  const wishlists = new WishlistService(clock, shoppers);
  const products = new ProductService(clock, audit, [carts, wishlists], live, config.database.kind);
  const mailer = new Mailer(config.mail, new Sealer(config.jwt.secret, 'mail-outbox'), clock);
  const emails = new EmailService(config.email, config.oidc.publicUrl, mailer, clock, events, limits, passwords, sessions, users, auth);
  events.on('REGISTERED', (e) => emails.afterRegister(getEm().fork(), e.userId, e.meta));
  sendNotices(events, mailer, getEm, clock);
  const oidc = createOidcService(config, { clock, limits, audit, logger, passwords, sessions, users, auth, events });
  const dpop = new DpopService(config.dpop, config.jwt.clockTolerance, config.jwt.secret, replay, clock, logger);
  const stats = new AuthStatsService(config.database.kind, clock, config.session.idleTtl);
  return { tokens, passwords, sessions, users, auth, audit, live, products, carts, wishlists, oidc, sql, roles, apiTokens, dpop, events, mailer, emails, mfa, mfaLogin, passkeys, stepUp, stats };
}
