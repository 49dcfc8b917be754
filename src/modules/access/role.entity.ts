import { EntitySchema, PrimaryKeyProp } from '@mikro-orm/core';

/** The two roles every deployment has; they live in `roles` too (names reserved) but are never edited. */
export const BUILT_IN_ROLES = ['USER', 'ADMIN'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];
export const isBuiltIn = (name: string): name is BuiltInRole => (BUILT_IN_ROLES as readonly string[]).includes(name);

/** Role names: 2 to 40 of A–Z, 0–9 and _, like the built-in ones. */
export const ROLE_NAME = /^[A-Z0-9_]{2,40}$/;

/**
 * A named set of permissions. USER (none) and ADMIN (every permission, including ones added later) are
 * built in: their permissions come from code. Custom roles keep theirs in `role_permissions`.
 */
export class AccessRole {
  name: string;
  description: string | null;
  builtIn = false;
  createdAt: Date;
  updatedAt: Date;

  constructor(name: string, description: string | null, now: Date) {
    this.name = name;
    this.description = description;
    this.createdAt = now;
    this.updatedAt = now;
  }
}

/** One permission of a custom role. */
export class RolePermission {
  [PrimaryKeyProp]?: ['role', 'permission'];
  role!: string;
  permission!: string;
}

/**
 * A custom role held by an account. Whether an account holds ADMIN stays in `users.role` (ADMIN or USER),
 * which old clients read as `User.role` and which the viewer lookup already loads; every account holds USER.
 */
export class UserRole {
  [PrimaryKeyProp]?: ['userId', 'role'];
  userId!: string;
  role!: string;
  grantedAt!: Date;
  /** The granting account's id; null when the operator's CLI granted it. */
  grantedBy!: string | null;
}

export const AccessRoleSchema = new EntitySchema<AccessRole>({
  class: AccessRole,
  tableName: 'roles',
  properties: {
    name: { type: 'string', primary: true, length: 40 },
    description: { type: 'string', length: 200, nullable: true },
    builtIn: { type: 'boolean', fieldName: 'built_in' },
    createdAt: { type: 'Date', fieldName: 'created_at' },
    updatedAt: { type: 'Date', fieldName: 'updated_at' },
  },
});

export const RolePermissionSchema = new EntitySchema<RolePermission>({
  class: RolePermission,
  tableName: 'role_permissions',
  properties: {
    role: { type: 'string', primary: true, length: 40 },
    permission: { type: 'string', primary: true, length: 64 },
  },
});

export const UserRoleSchema = new EntitySchema<UserRole>({
  class: UserRole,
  tableName: 'user_roles',
  properties: {
    userId: { type: 'string', primary: true, length: 36, fieldName: 'user_id' },
    role: { type: 'string', primary: true, length: 40 },
    grantedAt: { type: 'Date', fieldName: 'granted_at' },
    grantedBy: { type: 'string', length: 36, fieldName: 'granted_by', nullable: true },
  },
});
