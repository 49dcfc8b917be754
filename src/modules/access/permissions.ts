/**
 * The permission catalogue: every permission string tokengate knows, in one place. A role is a set of these;
 * an API token's scopes are a subset of its owner's. What needs none of them (the viewer's own cart,
 * wishlists, sessions, tokens) only needs a signed-in account.
 */
export const PERMISSIONS = {
  'users:read': 'List and search every account (users, user) and read any account’s roles, permissions, second factors and sign-in methods; list the roles.',
  'users:manage': 'Activate and deactivate accounts (setUserActive).',
  'roles:manage': 'Create, change and delete custom roles; grant and revoke roles. Never held by an API token.',
  'sessions:manage': 'Read and end other accounts’ sessions (User.sessions, revokeSession, revokeUserSessions).',
  'audit:read': 'Read the audit trail and its hourly numbers (auditEvents, authStats) and follow it live (auditEventAdded).',
  'products:write': 'Create, change and delete products.',
  'carts:read': 'Read other accounts’ carts and wishlists (User.cart, User.wishlists).',
  'api-tokens:manage': 'List and revoke other accounts’ API tokens (apiTokens, revokeApiToken).',
} as const;

export type Permission = keyof typeof PERMISSIONS;

/** Catalogue order: how permissions are listed and which missing one a refusal names first. */
export const ALL_PERMISSIONS: readonly Permission[] = Object.keys(PERMISSIONS) as Permission[];

/**
 * Permissions an API token never carries, whatever its scopes say: managing roles needs a person signed in
 * with a session (a token's effective permissions leave these out, and createApiToken refuses them).
 */
export const SESSION_ONLY: ReadonlySet<Permission> = new Set<Permission>(['roles:manage']);

export const isPermission = (value: string): value is Permission => Object.prototype.hasOwnProperty.call(PERMISSIONS, value);

/** Sorted in catalogue order, duplicates dropped. */
export function ordered(permissions: Iterable<string>): Permission[] {
  const set = new Set(permissions);
  return ALL_PERMISSIONS.filter((p) => set.has(p));
}

/** Space-separated, like an OAuth `scope` (RFC 6749 §3.3, RFC 9068's claim): how sets are stored in one column. */
export const joinScopes = (permissions: Iterable<string>): string => ordered(permissions).join(' ');
export const splitScopes = (text: string | null | undefined): Permission[] => ordered((text ?? '').split(' ').filter(isPermission));
