import { UserSchema } from '../modules/user/user.entity';
import { SessionSchema } from '../modules/session/session.entity';
import { RefreshTokenSchema } from '../modules/session/refresh-token.entity';
import { Migration20261124000000_init } from './migrations/Migration20261124000000_init';

export const entities = [UserSchema, SessionSchema, RefreshTokenSchema];

/** Listed explicitly so the same migrations run from src/ (tsx, jest) and dist/ (node). */
export const migrationsList = [{ name: 'Migration20261124000000_init', class: Migration20261124000000_init }];
