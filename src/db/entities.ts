import { UserSchema } from '../modules/user/user.entity';
import { SessionSchema } from '../modules/session/session.entity';
import { RefreshTokenSchema } from '../modules/session/refresh-token.entity';
import { AuditEventSchema } from '../modules/audit/audit-event.entity';
import { Migration20261124000000_init } from './migrations/Migration20261124000000_init';
import { Migration20261124010000_audit } from './migrations/Migration20261124010000_audit';

export const entities = [UserSchema, SessionSchema, RefreshTokenSchema, AuditEventSchema];

/** Listed explicitly so the same migrations run from src/ (tsx, jest) and dist/ (node). */
export const migrationsList = [
  { name: 'Migration20261124000000_init', class: Migration20261124000000_init },
  { name: 'Migration20261124010000_audit', class: Migration20261124010000_audit },
];
