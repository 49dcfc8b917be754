import { UserSchema } from '../modules/user/user.entity';
import { SessionSchema } from '../modules/session/session.entity';
import { RefreshTokenSchema } from '../modules/session/refresh-token.entity';
import { AuditEventSchema } from '../modules/audit/audit-event.entity';
import { IdentitySchema } from '../modules/oidc/identity.entity';
import { LoginCodeSchema } from '../modules/oidc/login-code.entity';
import { OidcFlowSchema } from '../modules/oidc/oidc-flow.entity';
import { Migration20261124000000_init } from './migrations/Migration20261124000000_init';
import { Migration20261124010000_audit } from './migrations/Migration20261124010000_audit';
import { Migration20261125120000_oidc } from './migrations/Migration20261125120000_oidc';

export const entities = [UserSchema, SessionSchema, RefreshTokenSchema, AuditEventSchema, IdentitySchema, LoginCodeSchema, OidcFlowSchema];

/** Listed explicitly so the same migrations run from src/ (tsx, jest) and dist/ (node). */
export const migrationsList = [
  { name: 'Migration20261124000000_init', class: Migration20261124000000_init },
  { name: 'Migration20261124010000_audit', class: Migration20261124010000_audit },
  { name: 'Migration20261125120000_oidc', class: Migration20261125120000_oidc },
];
