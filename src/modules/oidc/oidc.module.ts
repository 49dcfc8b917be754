import type { Config } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { AuditService } from '../audit/audit.service';
import type { AccountEvents } from '../../events';
import type { AuthService } from '../auth/auth.service';
import type { PasswordService } from '../auth/password.service';
import type { RateLimits } from '../auth/rate-limit';
import type { SessionService } from '../session/session.service';
import type { UserService } from '../user/user.service';
import { IdentityService } from './identity.service';
import { LoginCodes } from './login-code.service';
import { OidcProviders } from './oidc.providers';
import { OidcBrowserFlow } from './oidc.flow';
import { OidcService } from './oidc.service';

interface Deps {
  clock: Clock;
  limits: RateLimits;
  audit: AuditService;
  logger: Logger;
  passwords: PasswordService;
  sessions: SessionService;
  users: UserService;
  auth: AuthService;
  events: AccountEvents;
}

/** Wires the OpenID Connect module; the providers' discovery starts when the routes are registered. */
export function createOidcService(config: Config, deps: Deps): OidcService {
  const { clock, limits, audit, logger, passwords, sessions, users, auth, events } = deps;
  const fresh = config.session.freshLoginWindow;
  const identities = new IdentityService(users, passwords, clock, fresh, events);
  const providers = new OidcProviders(config.oidc.providers, logger);
  const codes = new LoginCodes(clock);
  const flow = new OidcBrowserFlow(config.oidc, config.session.cookie.enabled, providers, identities, codes, sessions, auth, limits, clock, audit, logger, events);
  return new OidcService(config.oidc, providers, flow, identities, codes, sessions, auth, limits, clock, fresh, audit, events);
}
