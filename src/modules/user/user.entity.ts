import { EntitySchema } from '@mikro-orm/core';
import { uuidv7 } from '../../lib/ids';

export type Role = 'USER' | 'ADMIN';

/** The stored hash of an account that has no password (created by a provider sign-in); it never verifies. */
export const NO_PASSWORD = '';
export const ROLES: readonly Role[] = ['USER', 'ADMIN'];

export class User {
  id: string = uuidv7();
  username: string;
  /** Lower-cased username: the unique key, so names match regardless of case. */
  usernameKey: string;
  passwordHash: string;
  role: Role = 'USER';
  isActive = true;
  /** As given (trimmed, domain lower-cased); null when the account has none. */
  email: string | null = null;
  /** Lower-cased address: the unique key, so addresses match regardless of case. */
  emailKey: string | null = null;
  emailVerified = false;
  /** When a session last opened (any sign-in method, registration, password reset); null if never. */
  lastSignInAt: Date | null = null;
  createdAt: Date;
  updatedAt: Date;

  constructor(username: string, passwordHash: string, now: Date) {
    this.username = username;
    this.usernameKey = User.keyOf(username);
    this.passwordHash = passwordHash;
    this.createdAt = now;
    this.updatedAt = now;
  }

  static keyOf(username: string): string {
    return username.toLowerCase();
  }
}

export const hasPassword = (user: Pick<User, 'passwordHash'>): boolean => user.passwordHash !== NO_PASSWORD;

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id: { type: 'string', primary: true, length: 36 },
    username: { type: 'string', length: 32 },
    usernameKey: { type: 'string', length: 32, unique: true, fieldName: 'username_key' },
    passwordHash: { type: 'string', length: 255, fieldName: 'password_hash', lazy: false },
    role: { type: 'string', length: 16 },
    isActive: { type: 'boolean', fieldName: 'is_active' },
    email: { type: 'string', length: 254, nullable: true },
    emailKey: { type: 'string', length: 254, nullable: true, unique: 'users_email_key_unique', fieldName: 'email_key' },
    emailVerified: { type: 'boolean', fieldName: 'email_verified', default: false },
    lastSignInAt: { type: 'Date', fieldName: 'last_sign_in_at', nullable: true },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    updatedAt: { type: 'Date', fieldName: 'updated_at' },
  },
});
