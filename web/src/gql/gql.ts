/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation CompleteMfaLogin($mfaToken: String!, $code: String!) {\n    completeMfaLogin(mfaToken: $mfaToken, code: $code) {\n      ...SignedIn\n    }\n  }\n": typeof types.CompleteMfaLoginDocument,
    "\n  mutation StartPasskeyLogin($mfaToken: String) {\n    startPasskeyLogin(mfaToken: $mfaToken)\n  }\n": typeof types.StartPasskeyLoginDocument,
    "\n  mutation FinishPasskeyLogin($response: String!, $mfaToken: String) {\n    finishPasskeyLogin(response: $response, mfaToken: $mfaToken) {\n      ...SignedIn\n    }\n  }\n": typeof types.FinishPasskeyLoginDocument,
    "\n  mutation StepUpLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n": typeof types.StepUpLoginDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ...SignedIn\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation ConfirmLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n": typeof types.ConfirmLoginDocument,
    "\n  fragment AuditRow on AuditEvent {\n    id\n    type\n    at\n    outcome\n    userId\n    actorId\n    sessionId\n    ip\n    userAgent\n    detail\n  }\n": typeof types.AuditRowFragmentDoc,
    "\n  query AdminAudit($first: Int!, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...AuditRow\n        }\n      }\n    }\n  }\n": typeof types.AdminAuditDocument,
    "\n  subscription AdminAuditTail($filter: AuditFilter) {\n    auditEventAdded(filter: $filter) {\n      ...AuditRow\n    }\n  }\n": typeof types.AdminAuditTailDocument,
    "\n  query AdminAuthStats($range: StatsRange!) {\n    authStats(range: $range) {\n      range\n      from\n      to\n      buckets {\n        start\n        signIns\n        signInFailures\n        rateLimited\n        refreshReuse\n        activeSessions\n      }\n    }\n  }\n": typeof types.AdminAuthStatsDocument,
    "\n  query AdminUsers($first: Int!, $after: String, $search: String, $orderBy: UserOrder) {\n    users(first: $first, after: $after, search: $search, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          username\n          email\n          emailVerified\n          isActive\n          createdAt\n          lastSignInAt\n          roles\n        }\n      }\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  query AdminUser($id: ID!) {\n    user(id: $id) {\n      id\n      username\n      email\n      emailVerified\n      isActive\n      createdAt\n      lastSignInAt\n      roles\n      permissions\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n          name\n          createdAt\n          lastUsedAt\n          backedUp\n        }\n      }\n      signInMethods {\n        password\n        identities {\n          id\n          provider\n          providerName\n          email\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n": typeof types.AdminUserDocument,
    "\n  query AdminRoleNames {\n    roles {\n      name\n      builtIn\n      permissions\n    }\n  }\n": typeof types.AdminRoleNamesDocument,
    "\n  query AdminUserSessions($id: ID!) {\n    user(id: $id) {\n      id\n      sessions {\n        id\n        createdAt\n        lastUsedAt\n        expiresAt\n        userAgent\n        ip\n      }\n    }\n  }\n": typeof types.AdminUserSessionsDocument,
    "\n  query AdminUserApiTokens($userId: ID!) {\n    apiTokens(userId: $userId) {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n  }\n": typeof types.AdminUserApiTokensDocument,
    "\n  query AdminUserAudit($userId: ID!, $first: Int!, $after: String) {\n    auditEvents(first: $first, after: $after, userId: $userId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          type\n          at\n          outcome\n          actorId\n          ip\n          userAgent\n          detail\n        }\n      }\n    }\n  }\n": typeof types.AdminUserAuditDocument,
    "\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) {\n      id\n      isActive\n    }\n  }\n": typeof types.AdminSetUserActiveDocument,
    "\n  mutation AdminGrantRole($userId: ID!, $role: String!) {\n    grantRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n": typeof types.AdminGrantRoleDocument,
    "\n  mutation AdminRevokeRole($userId: ID!, $role: String!) {\n    revokeRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n": typeof types.AdminRevokeRoleDocument,
    "\n  mutation AdminRevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.AdminRevokeSessionDocument,
    "\n  mutation AdminRevokeUserSessions($userId: ID!) {\n    revokeUserSessions(userId: $userId)\n  }\n": typeof types.AdminRevokeUserSessionsDocument,
    "\n  mutation AdminSendPasswordReset($userId: ID!) {\n    sendPasswordReset(userId: $userId)\n  }\n": typeof types.AdminSendPasswordResetDocument,
    "\n  mutation AdminResetMfa($userId: ID!) {\n    resetMfa(userId: $userId) {\n      id\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n        }\n      }\n    }\n  }\n": typeof types.AdminResetMfaDocument,
    "\n  mutation AdminRevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n": typeof types.AdminRevokeApiTokenDocument,
    "\n  query AdminUserFailures($userId: ID!, $since: DateTime!) {\n    auditEvents(first: 1, filter: { userId: $userId, outcome: FAILURE, since: $since }) {\n      totalCount\n      edges {\n        node {\n          id\n          type\n          at\n          ip\n        }\n      }\n    }\n  }\n": typeof types.AdminUserFailuresDocument,
    "\n  query AdminRoles {\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n    roles {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n": typeof types.AdminRolesDocument,
    "\n  mutation AdminCreateRole($name: String!, $permissions: [String!]!, $description: String) {\n    createRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n": typeof types.AdminCreateRoleDocument,
    "\n  mutation AdminUpdateRole($name: String!, $permissions: [String!]!, $description: String) {\n    updateRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n": typeof types.AdminUpdateRoleDocument,
    "\n  mutation AdminDeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n": typeof types.AdminDeleteRoleDocument,
    "\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n  }\n": typeof types.MyApiTokensDocument,
    "\n  mutation CreateMyApiToken($name: String!, $scopes: [String!]!, $expiresInDays: Int!) {\n    createApiToken(name: $name, scopes: $scopes, expiresInDays: $expiresInDays) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CreateMyApiTokenDocument,
    "\n  mutation RevokeMyApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n": typeof types.RevokeMyApiTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...SignedIn\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  fragment CartFields on Cart {\n    items {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        currency\n      }\n    }\n    totalCents\n    currency\n    itemCount\n    updatedAt\n  }\n": typeof types.CartFieldsFragmentDoc,
    "\n  query MyCart {\n    myCart {\n      ...CartFields\n    }\n  }\n": typeof types.MyCartDocument,
    "\n  subscription CartChanged {\n    cartChanged {\n      ...CartFields\n    }\n  }\n": typeof types.CartChangedDocument,
    "\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": typeof types.AddToCartDocument,
    "\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": typeof types.SetCartQuantityDocument,
    "\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n": typeof types.RemoveFromCartDocument,
    "\n  mutation ClearCart {\n    clearCart {\n      ...CartFields\n    }\n  }\n": typeof types.ClearCartDocument,
    "\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          priceCents\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": typeof types.ProductsDocument,
    "\n  mutation CreateProduct($input: ProductInput!) {\n    createProduct(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateProductDocument,
    "\n  query ProductPermission {\n    me {\n      id\n      permissions\n    }\n  }\n": typeof types.ProductPermissionDocument,
    "\n  query MyEmail {\n    me {\n      id\n      email\n      emailVerified\n    }\n  }\n": typeof types.MyEmailDocument,
    "\n  mutation SendEmailVerification {\n    sendEmailVerification\n  }\n": typeof types.SendEmailVerificationDocument,
    "\n  mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {\n    changeEmail(newEmail: $newEmail, currentPassword: $currentPassword)\n  }\n": typeof types.ChangeEmailDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      ...SignedIn\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n    }\n  }\n": typeof types.VerifyEmailDocument,
    "\n  query Me {\n    me {\n      id\n      username\n      roles\n      permissions\n      isActive\n      createdAt\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Security {\n    me {\n      id\n      mfaEnabled\n      mfaMethods\n      recoveryCodesLeft\n    }\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n      backedUp\n    }\n  }\n": typeof types.SecurityDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n": typeof types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n": typeof types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n": typeof types.DisableTotpDocument,
    "\n  mutation RegenerateRecoveryCodes($code: String!) {\n    regenerateRecoveryCodes(code: $code)\n  }\n": typeof types.RegenerateRecoveryCodesDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n": typeof types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($response: String!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n      name\n    }\n  }\n": typeof types.FinishPasskeyRegistrationDocument,
    "\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": typeof types.RenamePasskeyDocument,
    "\n  mutation DeletePasskey($id: ID!) {\n    deletePasskey(id: $id)\n  }\n": typeof types.DeletePasskeyDocument,
    "\n  query MySessions {\n    mySessions {\n      id\n      createdAt\n      lastUsedAt\n      expiresAt\n      userAgent\n      ip\n      current\n    }\n  }\n": typeof types.MySessionsDocument,
    "\n  mutation LogoutThisDevice {\n    logout\n  }\n": typeof types.LogoutThisDeviceDocument,
    "\n  mutation LogoutAll {\n    logoutAll\n  }\n": typeof types.LogoutAllDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  fragment WishlistFields on Wishlist {\n    id\n    name\n    productCount\n    products(first: 10) {\n      id\n      name\n      priceCents\n      currency\n    }\n    updatedAt\n  }\n": typeof types.WishlistFieldsFragmentDoc,
    "\n  query WishlistProducts($id: ID!, $after: String) {\n    wishlist(id: $id) {\n      id\n      productPage(first: 100, after: $after) {\n        edges {\n          node {\n            id\n            name\n            priceCents\n            currency\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.WishlistProductsDocument,
    "\n  query MyWishlists {\n    myWishlists {\n      ...WishlistFields\n    }\n  }\n": typeof types.MyWishlistsDocument,
    "\n  mutation CreateWishlist($name: String!) {\n    createWishlist(name: $name) {\n      ...WishlistFields\n    }\n  }\n": typeof types.CreateWishlistDocument,
    "\n  mutation RenameWishlist($id: ID!, $name: String!) {\n    renameWishlist(id: $id, name: $name) {\n      ...WishlistFields\n    }\n  }\n": typeof types.RenameWishlistDocument,
    "\n  mutation DeleteWishlist($id: ID!) {\n    deleteWishlist(id: $id)\n  }\n": typeof types.DeleteWishlistDocument,
    "\n  mutation AddToWishlist($wishlistId: ID!, $productId: ID!) {\n    addToWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n": typeof types.AddToWishlistDocument,
    "\n  mutation RemoveFromWishlist($wishlistId: ID!, $productId: ID!) {\n    removeFromWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n": typeof types.RemoveFromWishlistDocument,
    "\n  query ViewerAccess {\n    me {\n      id\n      permissions\n    }\n  }\n": typeof types.ViewerAccessDocument,
    "\n  mutation Refresh {\n    refreshToken {\n      ...SignedIn\n    }\n  }\n": typeof types.RefreshDocument,
    "\n  fragment SignedIn on AuthPayload {\n    accessToken\n    expiresIn\n    sessionId\n    user {\n      id\n      username\n    }\n  }\n": typeof types.SignedInFragmentDoc,
};
const documents: Documents = {
    "\n  mutation CompleteMfaLogin($mfaToken: String!, $code: String!) {\n    completeMfaLogin(mfaToken: $mfaToken, code: $code) {\n      ...SignedIn\n    }\n  }\n": types.CompleteMfaLoginDocument,
    "\n  mutation StartPasskeyLogin($mfaToken: String) {\n    startPasskeyLogin(mfaToken: $mfaToken)\n  }\n": types.StartPasskeyLoginDocument,
    "\n  mutation FinishPasskeyLogin($response: String!, $mfaToken: String) {\n    finishPasskeyLogin(response: $response, mfaToken: $mfaToken) {\n      ...SignedIn\n    }\n  }\n": types.FinishPasskeyLoginDocument,
    "\n  mutation StepUpLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n": types.StepUpLoginDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ...SignedIn\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  mutation ConfirmLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n": types.ConfirmLoginDocument,
    "\n  fragment AuditRow on AuditEvent {\n    id\n    type\n    at\n    outcome\n    userId\n    actorId\n    sessionId\n    ip\n    userAgent\n    detail\n  }\n": types.AuditRowFragmentDoc,
    "\n  query AdminAudit($first: Int!, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...AuditRow\n        }\n      }\n    }\n  }\n": types.AdminAuditDocument,
    "\n  subscription AdminAuditTail($filter: AuditFilter) {\n    auditEventAdded(filter: $filter) {\n      ...AuditRow\n    }\n  }\n": types.AdminAuditTailDocument,
    "\n  query AdminAuthStats($range: StatsRange!) {\n    authStats(range: $range) {\n      range\n      from\n      to\n      buckets {\n        start\n        signIns\n        signInFailures\n        rateLimited\n        refreshReuse\n        activeSessions\n      }\n    }\n  }\n": types.AdminAuthStatsDocument,
    "\n  query AdminUsers($first: Int!, $after: String, $search: String, $orderBy: UserOrder) {\n    users(first: $first, after: $after, search: $search, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          username\n          email\n          emailVerified\n          isActive\n          createdAt\n          lastSignInAt\n          roles\n        }\n      }\n    }\n  }\n": types.AdminUsersDocument,
    "\n  query AdminUser($id: ID!) {\n    user(id: $id) {\n      id\n      username\n      email\n      emailVerified\n      isActive\n      createdAt\n      lastSignInAt\n      roles\n      permissions\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n          name\n          createdAt\n          lastUsedAt\n          backedUp\n        }\n      }\n      signInMethods {\n        password\n        identities {\n          id\n          provider\n          providerName\n          email\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n": types.AdminUserDocument,
    "\n  query AdminRoleNames {\n    roles {\n      name\n      builtIn\n      permissions\n    }\n  }\n": types.AdminRoleNamesDocument,
    "\n  query AdminUserSessions($id: ID!) {\n    user(id: $id) {\n      id\n      sessions {\n        id\n        createdAt\n        lastUsedAt\n        expiresAt\n        userAgent\n        ip\n      }\n    }\n  }\n": types.AdminUserSessionsDocument,
    "\n  query AdminUserApiTokens($userId: ID!) {\n    apiTokens(userId: $userId) {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n  }\n": types.AdminUserApiTokensDocument,
    "\n  query AdminUserAudit($userId: ID!, $first: Int!, $after: String) {\n    auditEvents(first: $first, after: $after, userId: $userId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          type\n          at\n          outcome\n          actorId\n          ip\n          userAgent\n          detail\n        }\n      }\n    }\n  }\n": types.AdminUserAuditDocument,
    "\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) {\n      id\n      isActive\n    }\n  }\n": types.AdminSetUserActiveDocument,
    "\n  mutation AdminGrantRole($userId: ID!, $role: String!) {\n    grantRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n": types.AdminGrantRoleDocument,
    "\n  mutation AdminRevokeRole($userId: ID!, $role: String!) {\n    revokeRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n": types.AdminRevokeRoleDocument,
    "\n  mutation AdminRevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.AdminRevokeSessionDocument,
    "\n  mutation AdminRevokeUserSessions($userId: ID!) {\n    revokeUserSessions(userId: $userId)\n  }\n": types.AdminRevokeUserSessionsDocument,
    "\n  mutation AdminSendPasswordReset($userId: ID!) {\n    sendPasswordReset(userId: $userId)\n  }\n": types.AdminSendPasswordResetDocument,
    "\n  mutation AdminResetMfa($userId: ID!) {\n    resetMfa(userId: $userId) {\n      id\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n        }\n      }\n    }\n  }\n": types.AdminResetMfaDocument,
    "\n  mutation AdminRevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n": types.AdminRevokeApiTokenDocument,
    "\n  query AdminUserFailures($userId: ID!, $since: DateTime!) {\n    auditEvents(first: 1, filter: { userId: $userId, outcome: FAILURE, since: $since }) {\n      totalCount\n      edges {\n        node {\n          id\n          type\n          at\n          ip\n        }\n      }\n    }\n  }\n": types.AdminUserFailuresDocument,
    "\n  query AdminRoles {\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n    roles {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n": types.AdminRolesDocument,
    "\n  mutation AdminCreateRole($name: String!, $permissions: [String!]!, $description: String) {\n    createRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n": types.AdminCreateRoleDocument,
    "\n  mutation AdminUpdateRole($name: String!, $permissions: [String!]!, $description: String) {\n    updateRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n": types.AdminUpdateRoleDocument,
    "\n  mutation AdminDeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n": types.AdminDeleteRoleDocument,
    "\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n  }\n": types.MyApiTokensDocument,
    "\n  mutation CreateMyApiToken($name: String!, $scopes: [String!]!, $expiresInDays: Int!) {\n    createApiToken(name: $name, scopes: $scopes, expiresInDays: $expiresInDays) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": types.CreateMyApiTokenDocument,
    "\n  mutation RevokeMyApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n": types.RevokeMyApiTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...SignedIn\n    }\n  }\n": types.RegisterDocument,
    "\n  fragment CartFields on Cart {\n    items {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        currency\n      }\n    }\n    totalCents\n    currency\n    itemCount\n    updatedAt\n  }\n": types.CartFieldsFragmentDoc,
    "\n  query MyCart {\n    myCart {\n      ...CartFields\n    }\n  }\n": types.MyCartDocument,
    "\n  subscription CartChanged {\n    cartChanged {\n      ...CartFields\n    }\n  }\n": types.CartChangedDocument,
    "\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": types.AddToCartDocument,
    "\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": types.SetCartQuantityDocument,
    "\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n": types.RemoveFromCartDocument,
    "\n  mutation ClearCart {\n    clearCart {\n      ...CartFields\n    }\n  }\n": types.ClearCartDocument,
    "\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          priceCents\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": types.ProductsDocument,
    "\n  mutation CreateProduct($input: ProductInput!) {\n    createProduct(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateProductDocument,
    "\n  query ProductPermission {\n    me {\n      id\n      permissions\n    }\n  }\n": types.ProductPermissionDocument,
    "\n  query MyEmail {\n    me {\n      id\n      email\n      emailVerified\n    }\n  }\n": types.MyEmailDocument,
    "\n  mutation SendEmailVerification {\n    sendEmailVerification\n  }\n": types.SendEmailVerificationDocument,
    "\n  mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {\n    changeEmail(newEmail: $newEmail, currentPassword: $currentPassword)\n  }\n": types.ChangeEmailDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      ...SignedIn\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n    }\n  }\n": types.VerifyEmailDocument,
    "\n  query Me {\n    me {\n      id\n      username\n      roles\n      permissions\n      isActive\n      createdAt\n    }\n  }\n": types.MeDocument,
    "\n  query Security {\n    me {\n      id\n      mfaEnabled\n      mfaMethods\n      recoveryCodesLeft\n    }\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n      backedUp\n    }\n  }\n": types.SecurityDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n": types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n": types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n": types.DisableTotpDocument,
    "\n  mutation RegenerateRecoveryCodes($code: String!) {\n    regenerateRecoveryCodes(code: $code)\n  }\n": types.RegenerateRecoveryCodesDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n": types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($response: String!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n      name\n    }\n  }\n": types.FinishPasskeyRegistrationDocument,
    "\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": types.RenamePasskeyDocument,
    "\n  mutation DeletePasskey($id: ID!) {\n    deletePasskey(id: $id)\n  }\n": types.DeletePasskeyDocument,
    "\n  query MySessions {\n    mySessions {\n      id\n      createdAt\n      lastUsedAt\n      expiresAt\n      userAgent\n      ip\n      current\n    }\n  }\n": types.MySessionsDocument,
    "\n  mutation LogoutThisDevice {\n    logout\n  }\n": types.LogoutThisDeviceDocument,
    "\n  mutation LogoutAll {\n    logoutAll\n  }\n": types.LogoutAllDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.RevokeSessionDocument,
    "\n  fragment WishlistFields on Wishlist {\n    id\n    name\n    productCount\n    products(first: 10) {\n      id\n      name\n      priceCents\n      currency\n    }\n    updatedAt\n  }\n": types.WishlistFieldsFragmentDoc,
    "\n  query WishlistProducts($id: ID!, $after: String) {\n    wishlist(id: $id) {\n      id\n      productPage(first: 100, after: $after) {\n        edges {\n          node {\n            id\n            name\n            priceCents\n            currency\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.WishlistProductsDocument,
    "\n  query MyWishlists {\n    myWishlists {\n      ...WishlistFields\n    }\n  }\n": types.MyWishlistsDocument,
    "\n  mutation CreateWishlist($name: String!) {\n    createWishlist(name: $name) {\n      ...WishlistFields\n    }\n  }\n": types.CreateWishlistDocument,
    "\n  mutation RenameWishlist($id: ID!, $name: String!) {\n    renameWishlist(id: $id, name: $name) {\n      ...WishlistFields\n    }\n  }\n": types.RenameWishlistDocument,
    "\n  mutation DeleteWishlist($id: ID!) {\n    deleteWishlist(id: $id)\n  }\n": types.DeleteWishlistDocument,
    "\n  mutation AddToWishlist($wishlistId: ID!, $productId: ID!) {\n    addToWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n": types.AddToWishlistDocument,
    "\n  mutation RemoveFromWishlist($wishlistId: ID!, $productId: ID!) {\n    removeFromWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n": types.RemoveFromWishlistDocument,
    "\n  query ViewerAccess {\n    me {\n      id\n      permissions\n    }\n  }\n": types.ViewerAccessDocument,
    "\n  mutation Refresh {\n    refreshToken {\n      ...SignedIn\n    }\n  }\n": types.RefreshDocument,
    "\n  fragment SignedIn on AuthPayload {\n    accessToken\n    expiresIn\n    sessionId\n    user {\n      id\n      username\n    }\n  }\n": types.SignedInFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteMfaLogin($mfaToken: String!, $code: String!) {\n    completeMfaLogin(mfaToken: $mfaToken, code: $code) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteMfaLogin($mfaToken: String!, $code: String!) {\n    completeMfaLogin(mfaToken: $mfaToken, code: $code) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyLogin($mfaToken: String) {\n    startPasskeyLogin(mfaToken: $mfaToken)\n  }\n"): (typeof documents)["\n  mutation StartPasskeyLogin($mfaToken: String) {\n    startPasskeyLogin(mfaToken: $mfaToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyLogin($response: String!, $mfaToken: String) {\n    finishPasskeyLogin(response: $response, mfaToken: $mfaToken) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeyLogin($response: String!, $mfaToken: String) {\n    finishPasskeyLogin(response: $response, mfaToken: $mfaToken) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StepUpLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation StepUpLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmLogin($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditRow on AuditEvent {\n    id\n    type\n    at\n    outcome\n    userId\n    actorId\n    sessionId\n    ip\n    userAgent\n    detail\n  }\n"): (typeof documents)["\n  fragment AuditRow on AuditEvent {\n    id\n    type\n    at\n    outcome\n    userId\n    actorId\n    sessionId\n    ip\n    userAgent\n    detail\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminAudit($first: Int!, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...AuditRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminAudit($first: Int!, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...AuditRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AdminAuditTail($filter: AuditFilter) {\n    auditEventAdded(filter: $filter) {\n      ...AuditRow\n    }\n  }\n"): (typeof documents)["\n  subscription AdminAuditTail($filter: AuditFilter) {\n    auditEventAdded(filter: $filter) {\n      ...AuditRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminAuthStats($range: StatsRange!) {\n    authStats(range: $range) {\n      range\n      from\n      to\n      buckets {\n        start\n        signIns\n        signInFailures\n        rateLimited\n        refreshReuse\n        activeSessions\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminAuthStats($range: StatsRange!) {\n    authStats(range: $range) {\n      range\n      from\n      to\n      buckets {\n        start\n        signIns\n        signInFailures\n        rateLimited\n        refreshReuse\n        activeSessions\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers($first: Int!, $after: String, $search: String, $orderBy: UserOrder) {\n    users(first: $first, after: $after, search: $search, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          username\n          email\n          emailVerified\n          isActive\n          createdAt\n          lastSignInAt\n          roles\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUsers($first: Int!, $after: String, $search: String, $orderBy: UserOrder) {\n    users(first: $first, after: $after, search: $search, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          username\n          email\n          emailVerified\n          isActive\n          createdAt\n          lastSignInAt\n          roles\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUser($id: ID!) {\n    user(id: $id) {\n      id\n      username\n      email\n      emailVerified\n      isActive\n      createdAt\n      lastSignInAt\n      roles\n      permissions\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n          name\n          createdAt\n          lastUsedAt\n          backedUp\n        }\n      }\n      signInMethods {\n        password\n        identities {\n          id\n          provider\n          providerName\n          email\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUser($id: ID!) {\n    user(id: $id) {\n      id\n      username\n      email\n      emailVerified\n      isActive\n      createdAt\n      lastSignInAt\n      roles\n      permissions\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n          name\n          createdAt\n          lastUsedAt\n          backedUp\n        }\n      }\n      signInMethods {\n        password\n        identities {\n          id\n          provider\n          providerName\n          email\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminRoleNames {\n    roles {\n      name\n      builtIn\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query AdminRoleNames {\n    roles {\n      name\n      builtIn\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserSessions($id: ID!) {\n    user(id: $id) {\n      id\n      sessions {\n        id\n        createdAt\n        lastUsedAt\n        expiresAt\n        userAgent\n        ip\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUserSessions($id: ID!) {\n    user(id: $id) {\n      id\n      sessions {\n        id\n        createdAt\n        lastUsedAt\n        expiresAt\n        userAgent\n        ip\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserApiTokens($userId: ID!) {\n    apiTokens(userId: $userId) {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query AdminUserApiTokens($userId: ID!) {\n    apiTokens(userId: $userId) {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserAudit($userId: ID!, $first: Int!, $after: String) {\n    auditEvents(first: $first, after: $after, userId: $userId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          type\n          at\n          outcome\n          actorId\n          ip\n          userAgent\n          detail\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUserAudit($userId: ID!, $first: Int!, $after: String) {\n    auditEvents(first: $first, after: $after, userId: $userId) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          type\n          at\n          outcome\n          actorId\n          ip\n          userAgent\n          detail\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) {\n      id\n      isActive\n    }\n  }\n"): (typeof documents)["\n  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {\n    setUserActive(userId: $userId, active: $active) {\n      id\n      isActive\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminGrantRole($userId: ID!, $role: String!) {\n    grantRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n"): (typeof documents)["\n  mutation AdminGrantRole($userId: ID!, $role: String!) {\n    grantRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeRole($userId: ID!, $role: String!) {\n    revokeRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n"): (typeof documents)["\n  mutation AdminRevokeRole($userId: ID!, $role: String!) {\n    revokeRole(userId: $userId, role: $role) {\n      id\n      roles\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation AdminRevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeUserSessions($userId: ID!) {\n    revokeUserSessions(userId: $userId)\n  }\n"): (typeof documents)["\n  mutation AdminRevokeUserSessions($userId: ID!) {\n    revokeUserSessions(userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSendPasswordReset($userId: ID!) {\n    sendPasswordReset(userId: $userId)\n  }\n"): (typeof documents)["\n  mutation AdminSendPasswordReset($userId: ID!) {\n    sendPasswordReset(userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminResetMfa($userId: ID!) {\n    resetMfa(userId: $userId) {\n      id\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AdminResetMfa($userId: ID!) {\n    resetMfa(userId: $userId) {\n      id\n      mfaFactors {\n        totp\n        recoveryCodesLeft\n        passkeys {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n"): (typeof documents)["\n  mutation AdminRevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserFailures($userId: ID!, $since: DateTime!) {\n    auditEvents(first: 1, filter: { userId: $userId, outcome: FAILURE, since: $since }) {\n      totalCount\n      edges {\n        node {\n          id\n          type\n          at\n          ip\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUserFailures($userId: ID!, $since: DateTime!) {\n    auditEvents(first: 1, filter: { userId: $userId, outcome: FAILURE, since: $since }) {\n      totalCount\n      edges {\n        node {\n          id\n          type\n          at\n          ip\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminRoles {\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n    roles {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n"): (typeof documents)["\n  query AdminRoles {\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n    roles {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateRole($name: String!, $permissions: [String!]!, $description: String) {\n    createRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n"): (typeof documents)["\n  mutation AdminCreateRole($name: String!, $permissions: [String!]!, $description: String) {\n    createRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateRole($name: String!, $permissions: [String!]!, $description: String) {\n    updateRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n"): (typeof documents)["\n  mutation AdminUpdateRole($name: String!, $permissions: [String!]!, $description: String) {\n    updateRole(name: $name, permissions: $permissions, description: $description) {\n      name\n      description\n      permissions\n      builtIn\n      holderCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n"): (typeof documents)["\n  mutation AdminDeleteRole($name: String!) {\n    deleteRole(name: $name)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n  }\n"): (typeof documents)["\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      prefix\n      scopes\n      createdAt\n      expiresAt\n      lastUsedAt\n    }\n    permissionCatalogue {\n      name\n      description\n      sessionOnly\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateMyApiToken($name: String!, $scopes: [String!]!, $expiresInDays: Int!) {\n    createApiToken(name: $name, scopes: $scopes, expiresInDays: $expiresInDays) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateMyApiToken($name: String!, $scopes: [String!]!, $expiresInDays: Int!) {\n    createApiToken(name: $name, scopes: $scopes, expiresInDays: $expiresInDays) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeMyApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeMyApiToken($id: ID!) {\n    revokeApiToken(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CartFields on Cart {\n    items {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        currency\n      }\n    }\n    totalCents\n    currency\n    itemCount\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment CartFields on Cart {\n    items {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        currency\n      }\n    }\n    totalCents\n    currency\n    itemCount\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyCart {\n    myCart {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  query MyCart {\n    myCart {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CartChanged {\n    cartChanged {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  subscription CartChanged {\n    cartChanged {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClearCart {\n    clearCart {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClearCart {\n    clearCart {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          priceCents\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          priceCents\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProduct($input: ProductInput!) {\n    createProduct(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProduct($input: ProductInput!) {\n    createProduct(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductPermission {\n    me {\n      id\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query ProductPermission {\n    me {\n      id\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyEmail {\n    me {\n      id\n      email\n      emailVerified\n    }\n  }\n"): (typeof documents)["\n  query MyEmail {\n    me {\n      id\n      email\n      emailVerified\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendEmailVerification {\n    sendEmailVerification\n  }\n"): (typeof documents)["\n  mutation SendEmailVerification {\n    sendEmailVerification\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {\n    changeEmail(newEmail: $newEmail, currentPassword: $currentPassword)\n  }\n"): (typeof documents)["\n  mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {\n    changeEmail(newEmail: $newEmail, currentPassword: $currentPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword) {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      username\n      roles\n      permissions\n      isActive\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      username\n      roles\n      permissions\n      isActive\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Security {\n    me {\n      id\n      mfaEnabled\n      mfaMethods\n      recoveryCodesLeft\n    }\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n      backedUp\n    }\n  }\n"): (typeof documents)["\n  query Security {\n    me {\n      id\n      mfaEnabled\n      mfaMethods\n      recoveryCodesLeft\n    }\n    myPasskeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n      backedUp\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n"): (typeof documents)["\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n"): (typeof documents)["\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n"): (typeof documents)["\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegenerateRecoveryCodes($code: String!) {\n    regenerateRecoveryCodes(code: $code)\n  }\n"): (typeof documents)["\n  mutation RegenerateRecoveryCodes($code: String!) {\n    regenerateRecoveryCodes(code: $code)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n"): (typeof documents)["\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyRegistration($response: String!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeyRegistration($response: String!, $name: String) {\n    finishPasskeyRegistration(response: $response, name: $name) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePasskey($id: ID!) {\n    deletePasskey(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeletePasskey($id: ID!) {\n    deletePasskey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySessions {\n    mySessions {\n      id\n      createdAt\n      lastUsedAt\n      expiresAt\n      userAgent\n      ip\n      current\n    }\n  }\n"): (typeof documents)["\n  query MySessions {\n    mySessions {\n      id\n      createdAt\n      lastUsedAt\n      expiresAt\n      userAgent\n      ip\n      current\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogoutThisDevice {\n    logout\n  }\n"): (typeof documents)["\n  mutation LogoutThisDevice {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogoutAll {\n    logoutAll\n  }\n"): (typeof documents)["\n  mutation LogoutAll {\n    logoutAll\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WishlistFields on Wishlist {\n    id\n    name\n    productCount\n    products(first: 10) {\n      id\n      name\n      priceCents\n      currency\n    }\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment WishlistFields on Wishlist {\n    id\n    name\n    productCount\n    products(first: 10) {\n      id\n      name\n      priceCents\n      currency\n    }\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WishlistProducts($id: ID!, $after: String) {\n    wishlist(id: $id) {\n      id\n      productPage(first: 100, after: $after) {\n        edges {\n          node {\n            id\n            name\n            priceCents\n            currency\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WishlistProducts($id: ID!, $after: String) {\n    wishlist(id: $id) {\n      id\n      productPage(first: 100, after: $after) {\n        edges {\n          node {\n            id\n            name\n            priceCents\n            currency\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyWishlists {\n    myWishlists {\n      ...WishlistFields\n    }\n  }\n"): (typeof documents)["\n  query MyWishlists {\n    myWishlists {\n      ...WishlistFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWishlist($name: String!) {\n    createWishlist(name: $name) {\n      ...WishlistFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWishlist($name: String!) {\n    createWishlist(name: $name) {\n      ...WishlistFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameWishlist($id: ID!, $name: String!) {\n    renameWishlist(id: $id, name: $name) {\n      ...WishlistFields\n    }\n  }\n"): (typeof documents)["\n  mutation RenameWishlist($id: ID!, $name: String!) {\n    renameWishlist(id: $id, name: $name) {\n      ...WishlistFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWishlist($id: ID!) {\n    deleteWishlist(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWishlist($id: ID!) {\n    deleteWishlist(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddToWishlist($wishlistId: ID!, $productId: ID!) {\n    addToWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n"): (typeof documents)["\n  mutation AddToWishlist($wishlistId: ID!, $productId: ID!) {\n    addToWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFromWishlist($wishlistId: ID!, $productId: ID!) {\n    removeFromWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveFromWishlist($wishlistId: ID!, $productId: ID!) {\n    removeFromWishlist(wishlistId: $wishlistId, productId: $productId) {\n      ...WishlistFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ViewerAccess {\n    me {\n      id\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query ViewerAccess {\n    me {\n      id\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Refresh {\n    refreshToken {\n      ...SignedIn\n    }\n  }\n"): (typeof documents)["\n  mutation Refresh {\n    refreshToken {\n      ...SignedIn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SignedIn on AuthPayload {\n    accessToken\n    expiresIn\n    sessionId\n    user {\n      id\n      username\n    }\n  }\n"): (typeof documents)["\n  fragment SignedIn on AuthPayload {\n    accessToken\n    expiresIn\n    sessionId\n    user {\n      id\n      username\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;