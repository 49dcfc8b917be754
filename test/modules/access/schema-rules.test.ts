import { graphql, isObjectType, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyAccessRules, printRule, rootRules, rulesOn, undecidedFields } from '../../../src/modules/access/directives';
import { makeGrant } from '../../../src/modules/access/grant';
import { buildSchema, loadTypeDefs } from '../../../src/schema';
import { UnauthenticatedError } from '../../../src/errors';

const S = (...scopes: string[][]) => `@requiresScopes(scopes: [${scopes.map((all) => `[${all.map((s) => `"${s}"`).join(', ')}]`).join(', ')}])`;
const P = (policy: string) => `@policy(policies: [["${policy}"]])`;
const PUBLIC = '@public';
const SIGNED_IN = '@authenticated';

/**
 * The decision on every root field, written out by hand: changing a directive in schema/*.graphql (or adding a
 * field) fails here until this table agrees, so a rule never changes by accident. The permission matrix then
 * checks that the server enforces exactly what the schema says.
 */
export const EXPECTED_ROOT_RULES: Record<string, string> = {
  'Query.me': SIGNED_IN,
  'Query.users': S(['users:read']),
  'Query.user': S(['users:read']),
  'Query.permissionCatalogue': SIGNED_IN,
  'Query.authStats': S(['audit:read']),
  'Mutation.revokeUserSessions': S(['sessions:manage']),
  'Subscription.auditEventAdded': S(['audit:read']),
  'Query.mySessions': P('sessionToken'),
  'Query.auditEvents': S(['audit:read']),
  'Query.products': PUBLIC,
  'Query.product': PUBLIC,
  'Query.myCart': SIGNED_IN,
  'Query.myWishlists': SIGNED_IN,
  'Query.wishlist': SIGNED_IN,
  'Query.authProviders': PUBLIC,
  'Query.myIdentities': SIGNED_IN,
  'Query.permissions': SIGNED_IN,
  'Query.roles': S(['roles:manage'], ['users:read']),
  'Query.myApiTokens': P('sessionToken'),
  'Query.apiTokens': S(['api-tokens:manage']),
  'Mutation.register': PUBLIC,
  'Mutation.login': PUBLIC,
  'Mutation.refreshToken': PUBLIC,
  'Mutation.changePassword': P('sessionToken'),
  'Mutation.deleteAccount': P('sessionToken'),
  'Mutation.logout': PUBLIC,
  'Mutation.logoutAll': P('sessionToken'),
  'Mutation.revokeSession': P('sessionToken'),
  'Mutation.setUserActive': S(['users:manage']),
  'Mutation.sendEmailVerification': SIGNED_IN,
  'Mutation.verifyEmail': PUBLIC,
  'Mutation.requestPasswordReset': PUBLIC,
  'Mutation.resetPassword': PUBLIC,
  'Mutation.changeEmail': P('sessionToken'),
  'Mutation.sendPasswordReset': S(['users:manage']),
  'Mutation.setUserRole': S(['roles:manage']),
  'Mutation.createProduct': S(['products:write']),
  'Mutation.updateProduct': S(['products:write']),
  'Mutation.deleteProduct': S(['products:write']),
  'Mutation.addToCart': SIGNED_IN,
  'Mutation.setCartQuantity': SIGNED_IN,
  'Mutation.removeFromCart': SIGNED_IN,
  'Mutation.clearCart': SIGNED_IN,
  'Mutation.createWishlist': SIGNED_IN,
  'Mutation.renameWishlist': SIGNED_IN,
  'Mutation.deleteWishlist': SIGNED_IN,
  'Mutation.addToWishlist': SIGNED_IN,
  'Mutation.removeFromWishlist': SIGNED_IN,
  'Mutation.completeExternalLogin': PUBLIC,
  'Mutation.linkIdentity': P('sessionToken'),
  'Mutation.unlinkIdentity': P('sessionToken'),
  'Mutation.setPassword': P('sessionToken'),
  'Mutation.createRole': S(['roles:manage']),
  'Mutation.updateRole': S(['roles:manage']),
  'Mutation.deleteRole': S(['roles:manage']),
  'Mutation.grantRole': S(['roles:manage']),
  'Mutation.revokeRole': S(['roles:manage']),
  'Mutation.createApiToken': P('sessionToken'),
  'Mutation.revokeApiToken': P('sessionToken'),
  'Query.myPasskeys': P('sessionToken'),
  'Mutation.startTotpEnrollment': P('sessionToken'),
  'Mutation.confirmTotpEnrollment': P('sessionToken'),
  'Mutation.disableTotp': P('sessionToken'),
  'Mutation.regenerateRecoveryCodes': P('sessionToken'),
  'Mutation.completeMfaLogin': PUBLIC,
  'Mutation.startPasskeyRegistration': P('sessionToken'),
  'Mutation.finishPasskeyRegistration': P('sessionToken'),
  'Mutation.startPasskeyLogin': PUBLIC,
  'Mutation.finishPasskeyLogin': PUBLIC,
  'Mutation.renamePasskey': P('sessionToken'),
  'Mutation.deletePasskey': P('sessionToken'),
  'Mutation.resetMfa': S(['users:manage']),
  'Subscription.cartChanged': SIGNED_IN,
  'Subscription.productChanged': PUBLIC,
};

/** Fields of other types that expose an account's data: each carries its own rule (or its type does). */
const EXPECTED_OBJECT_RULES: Record<string, string> = {
  'User.cart': P('owner'),
  'User.wishlists': P('owner'),
  'User.sessions': P('ownSessions'),
  'User.roles': P('self'),
  'User.permissions': P('self'),
  'User.email': P('contact'),
  'User.emailVerified': P('contact'),
  'User.mfaEnabled': P('self'),
  'User.mfaMethods': P('self'),
  'User.recoveryCodesLeft': P('self'),
  'User.lastSignInAt': P('contact'),
  'User.mfaFactors': P('contact'),
  'User.signInMethods': P('contact'),
  AuditEvent: S(['audit:read']),
};
/** What anyone who may see an account sees: its public profile. Every other User field needs a rule. */
const USER_PROFILE = ['id', 'username', 'role', 'isActive', 'createdAt', 'hasPassword'];

function objectRules(schema: GraphQLSchema): Record<string, string> {
  const out: Record<string, string> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || ['Query', 'Mutation', 'Subscription'].includes(type.name)) continue;
    const onType = rulesOn(schema, type);
    if (onType.length) out[type.name] = onType.map(printRule).join(' ');
    for (const field of Object.values(type.getFields())) {
      const rules = rulesOn(schema, field);
      if (rules.length) out[`${type.name}.${field.name}`] = rules.map(printRule).join(' ');
    }
  }
  return out;
}

describe('access rules in the built schema', () => {
  const schema = buildSchema();

  it('gives every Query, Mutation and Subscription field exactly one decision (deny by default)', () => {
    // Names each field without a rule, or with several, so the one to fix is obvious.
    expect(undecidedFields(schema)).toEqual([]);
  });

  it('decides each root field as the reviewed table says', () => {
    const actual = Object.fromEntries([...rootRules(schema)].map(([field, rules]) => [field, rules.map(printRule).join(' ')]));
    expect(actual).toEqual(EXPECTED_ROOT_RULES);
  });

  it('guards the object fields that expose another account’s data', () => {
    expect(objectRules(schema)).toEqual(EXPECTED_OBJECT_RULES);
    const user = schema.getType('User');
    if (!isObjectType(user)) throw new Error('no User type');
    const unguarded = Object.keys(user.getFields()).filter((f) => !USER_PROFILE.includes(f) && !rulesOn(schema, user.getFields()[f]).length);
    expect(unguarded).toEqual([]);
  });
});

describe('deny by default at run time', () => {
  const extra = `
    extend type Query { forgotten: String, decided: String @authenticated, twice: String @public @authenticated }
    extend type Mutation { forgottenToo: Boolean }
  `;
  const build = () =>
    applyAccessRules(
      makeExecutableSchema({
        typeDefs: [...loadTypeDefs(), extra],
        resolvers: { Query: { forgotten: () => 'leaked', decided: () => 'fine', twice: () => 'ambiguous' }, Mutation: { forgottenToo: () => true } },
      }),
    );

  it('names a new field that has no rule, and one with two', () => {
    expect(undecidedFields(build())).toEqual(['Query.forgotten (no rule)', 'Query.twice (@public @authenticated)', 'Mutation.forgottenToo (no rule)']);
  });

  it('refuses a field without a rule to everyone, admins included, with FORBIDDEN / NO_RULE', async () => {
    const schema = build();
    const admin = { getUser: async () => ({ id: 'a', role: 'ADMIN' }), getGrant: async () => makeGrant(['users:read', 'roles:manage'], null), auth: { claims: {} } };
    const anonymous = { getUser: () => Promise.reject(new UnauthenticatedError('TOKEN_MISSING')), auth: { claims: null } };
    for (const contextValue of [admin, anonymous]) {
      const res = await graphql({ schema, source: '{ forgotten decided }', contextValue });
      expect(res.data?.forgotten).toBeNull();
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_RULE' });
      expect(JSON.stringify(res)).not.toContain('leaked');
    }
    const res = await graphql({ schema, source: 'mutation { forgottenToo }', contextValue: admin });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_RULE' });
  });

  it('stops the start on an unknown permission, an unknown policy or an empty list', () => {
    const withSdl = (sdl: string) => () => applyAccessRules(makeExecutableSchema({ typeDefs: [...loadTypeDefs(), sdl] }));
    expect(withSdl('extend type Query { a: String @requiresScopes(scopes: [["users:raed"]]) }')).toThrow(/Query\.a: unknown permission "users:raed"/);
    expect(withSdl('extend type Query { b: String @policy(policies: [["ownr"]]) }')).toThrow(/Query\.b: unknown policy "ownr"/);
    expect(withSdl('extend type Query { c: String @requiresScopes(scopes: []) }')).toThrow(/Query\.c: @requiresScopes needs non-empty lists/);
    expect(withSdl('extend type Query { d: String @requiresScopes(scopes: [[]]) }')).toThrow(/non-empty/);
  });
});
