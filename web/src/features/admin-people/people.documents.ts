import { graphql } from '../../gql';

export const AdminUsersDocument = graphql(`
  query AdminUsers($first: Int!, $after: String, $search: String, $orderBy: UserOrder) {
    users(first: $first, after: $after, search: $search, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          username
          email
          emailVerified
          isActive
          createdAt
          lastSignInAt
          roles
        }
      }
    }
  }
`);

/** What users:read shows of one account (no secrets: factors are named, never their keys). */
export const AdminUserDocument = graphql(`
  query AdminUser($id: ID!) {
    user(id: $id) {
      id
      username
      email
      emailVerified
      isActive
      createdAt
      lastSignInAt
      roles
      permissions
      mfaFactors {
        totp
        recoveryCodesLeft
        passkeys {
          id
          name
          createdAt
          lastUsedAt
          backedUp
        }
      }
      signInMethods {
        password
        identities {
          id
          provider
          providerName
          email
          createdAt
          lastUsedAt
        }
      }
    }
  }
`);

/** Every role, for the grant menu (roles:manage or users:read). */
export const AdminRoleNamesDocument = graphql(`
  query AdminRoleNames {
    roles {
      name
      builtIn
      permissions
    }
  }
`);

/** sessions:manage only: asked for separately, so a viewer without it still gets the rest of the page. */
export const AdminUserSessionsDocument = graphql(`
  query AdminUserSessions($id: ID!) {
    user(id: $id) {
      id
      sessions {
        id
        createdAt
        lastUsedAt
        expiresAt
        userAgent
        ip
      }
    }
  }
`);

export const AdminUserApiTokensDocument = graphql(`
  query AdminUserApiTokens($userId: ID!) {
    apiTokens(userId: $userId) {
      id
      name
      prefix
      scopes
      createdAt
      expiresAt
      lastUsedAt
    }
  }
`);

export const AdminUserAuditDocument = graphql(`
  query AdminUserAudit($userId: ID!, $first: Int!, $after: String) {
    auditEvents(first: $first, after: $after, userId: $userId) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          type
          at
          outcome
          actorId
          ip
          userAgent
          detail
        }
      }
    }
  }
`);

export const SetUserActiveDocument = graphql(`
  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {
    setUserActive(userId: $userId, active: $active) {
      id
      isActive
    }
  }
`);

export const GrantRoleDocument = graphql(`
  mutation AdminGrantRole($userId: ID!, $role: String!) {
    grantRole(userId: $userId, role: $role) {
      id
      roles
      permissions
    }
  }
`);

export const RevokeRoleDocument = graphql(`
  mutation AdminRevokeRole($userId: ID!, $role: String!) {
    revokeRole(userId: $userId, role: $role) {
      id
      roles
      permissions
    }
  }
`);

export const RevokeUserSessionDocument = graphql(`
  mutation AdminRevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

export const RevokeUserSessionsDocument = graphql(`
  mutation AdminRevokeUserSessions($userId: ID!) {
    revokeUserSessions(userId: $userId)
  }
`);

export const SendPasswordResetDocument = graphql(`
  mutation AdminSendPasswordReset($userId: ID!) {
    sendPasswordReset(userId: $userId)
  }
`);

export const ResetMfaDocument = graphql(`
  mutation AdminResetMfa($userId: ID!) {
    resetMfa(userId: $userId) {
      id
      mfaFactors {
        totp
        recoveryCodesLeft
        passkeys {
          id
        }
      }
    }
  }
`);

export const RevokeUserApiTokenDocument = graphql(`
  mutation AdminRevokeApiToken($id: ID!) {
    revokeApiToken(id: $id)
  }
`);

/** "Was the account attacked?": its refusals and failures since a time, and the latest of them. */
export const AdminUserFailuresDocument = graphql(`
  query AdminUserFailures($userId: ID!, $since: DateTime!) {
    auditEvents(first: 1, filter: { userId: $userId, outcome: FAILURE, since: $since }) {
      totalCount
      edges {
        node {
          id
          type
          at
          ip
        }
      }
    }
  }
`);
