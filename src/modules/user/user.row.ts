import { toDate, toDateOrNull } from '../../db/native-sql';
import type { Role, User } from './user.entity';

/** The users columns as a native statement selects them (`u.id as user_id`, …). */
export const USER_COLUMNS = ['id', 'username', 'username_key', 'password_hash', 'role', 'is_active', 'email', 'email_key', 'email_verified', 'last_sign_in_at', 'created_at', 'updated_at']
  .map((c) => `u.${c} as user_${c}`)
  .join(', ');

export interface UserRow {
  user_id: string;
  user_username: string;
  user_username_key: string;
  user_password_hash: string;
  user_role: Role;
  user_is_active: boolean | number;
  user_email: string | null;
  user_email_key: string | null;
  user_email_verified: boolean | number;
  user_last_sign_in_at: unknown;
  user_created_at: unknown;
  user_updated_at: unknown;
}

/**
 * A detached snapshot with User's fields: a plain object, since the entity prototype's setters would
 * build ORM state per instance. To change the user, load it through an EntityManager.
 */
export function userFromRow(row: UserRow): User {
  return {
    id: row.user_id,
    username: row.user_username,
    usernameKey: row.user_username_key,
    passwordHash: row.user_password_hash,
    role: row.user_role,
    isActive: Boolean(row.user_is_active),
    email: row.user_email,
    emailKey: row.user_email_key,
    emailVerified: Boolean(row.user_email_verified),
    lastSignInAt: toDateOrNull(row.user_last_sign_in_at),
    createdAt: toDate(row.user_created_at),
    updatedAt: toDate(row.user_updated_at),
  };
}
