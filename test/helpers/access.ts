import { ok, makeAdmin, PASSWORD } from './shop';
import { login, register, type TestServer } from './server';

export const CREATE_ROLE = `mutation ($name: String!, $permissions: [String!]!, $description: String) {
  createRole(name: $name, permissions: $permissions, description: $description) { name description permissions builtIn }
}`;
export const UPDATE_ROLE = `mutation ($name: String!, $permissions: [String!]!, $description: String) {
  updateRole(name: $name, permissions: $permissions, description: $description) { name description permissions builtIn }
}`;
export const DELETE_ROLE = `mutation ($name: String!) { deleteRole(name: $name) }`;
export const GRANT_ROLE = `mutation ($userId: ID!, $role: String!) { grantRole(userId: $userId, role: $role) { id role roles permissions } }`;
export const REVOKE_ROLE = `mutation ($userId: ID!, $role: String!) { revokeRole(userId: $userId, role: $role) { id role roles permissions } }`;
export const ROLES = `{ roles { name description permissions builtIn } }`;
export const PERMISSIONS = `{ permissions }`;
export const ME_ACCESS = `{ me { id username role roles permissions } }`;
export const SET_ROLE = `mutation ($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { id role roles } }`;
export const SET_ACTIVE = `mutation ($id: ID!, $active: Boolean!) { setUserActive(userId: $id, active: $active) { id isActive } }`;
export const USERS = `{ users(first: 100) { totalCount edges { node { id username } } } }`;
export const AUDIT = `query ($type: AuditEventType, $userId: ID) { auditEvents(first: 100, type: $type, userId: $userId) { edges { node { type userId ip detail } } } }`;

export const API_TOKEN_FIELDS = 'id name scopes prefix createdAt expiresAt lastUsedAt';
export const CREATE_API_TOKEN = `mutation ($name: String!, $scopes: [String!]!, $days: Int!) {
  createApiToken(name: $name, scopes: $scopes, expiresInDays: $days) { token apiToken { ${API_TOKEN_FIELDS} } }
}`;
export const MY_API_TOKENS = `{ myApiTokens { ${API_TOKEN_FIELDS} } }`;
export const API_TOKENS = `query ($userId: ID!) { apiTokens(userId: $userId) { ${API_TOKEN_FIELDS} } }`;
export const REVOKE_API_TOKEN = `mutation ($id: ID!) { revokeApiToken(id: $id) }`;

export const as = (who: { accessToken: string } | string) => ({ token: typeof who === 'string' ? who : who.accessToken });

/** A custom role with exactly these permissions, created by `admin`. */
export async function createRole(server: TestServer, admin: { accessToken: string }, name: string, permissions: string[]): Promise<void> {
  await ok(server.gql(CREATE_ROLE, { name, permissions }, as(admin)), 'createRole');
}

/** Registers an account, grants it `role` and logs in again (a fresh password login). */
export async function userWithRole(server: TestServer, admin: { accessToken: string }, username: string, role: string): Promise<any> {
  const first = await register(server, username, PASSWORD);
  await ok(server.gql(GRANT_ROLE, { userId: first.user.id, role }, as(admin)), 'grantRole');
  return login(server, username, PASSWORD);
}

/** A personal API token of the holder of `session` (which must be a fresh login). */
export async function createApiToken(server: TestServer, session: { accessToken: string }, scopes: string[], name = 'script', days = 30): Promise<{ token: string; apiToken: any }> {
  return ok(server.gql(CREATE_API_TOKEN, { name, scopes, days }, as(session)), 'createApiToken');
}

export { makeAdmin, ok, PASSWORD };
