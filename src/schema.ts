import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from './generated/graphql';
import { DateTime } from './scalars';
import { applyAccessRules } from './modules/access/directives';
import { accessResolvers } from './modules/access/access.resolvers';
import { auditResolvers } from './modules/audit/audit.resolvers';
import { authResolvers } from './modules/auth/auth.resolvers';
import { sessionResolvers } from './modules/session/session.resolvers';
import { userResolvers } from './modules/user/user.resolvers';
import { liveResolvers } from './modules/live/live.resolvers';
import { productResolvers } from './modules/product/product.resolvers';
import { cartResolvers } from './modules/cart/cart.resolvers';
import { wishlistResolvers } from './modules/wishlist/wishlist.resolvers';
import { oidcResolvers } from './modules/oidc/oidc.resolvers';
import { emailResolvers } from './modules/email/email.resolvers';
import { mfaResolvers } from './modules/mfa/mfa.resolvers';
import { adminResolvers } from './modules/admin/admin.resolvers';

/** The SDL files are the contract; found by walking up from this file so src/ and dist/ both work. */
export function loadTypeDefs(): string[] {
  let dir = __dirname;
  while (!existsSync(join(dir, 'schema', 'base.graphql'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('schema/*.graphql not found above ' + __dirname);
    dir = parent;
  }
  const folder = join(dir, 'schema');
  return readdirSync(folder).filter((f) => f.endsWith('.graphql')).sort().map((f) => readFileSync(join(folder, f), 'utf8'));
}

export function buildSchema(): GraphQLSchema {
  const resolvers: Resolvers = {
    DateTime,
    Query: {
      ...userResolvers.Query,
      ...sessionResolvers.Query,
      ...auditResolvers.Query,
      ...productResolvers.Query,
      ...cartResolvers.Query,
      ...wishlistResolvers.Query,
      ...oidcResolvers.Query,
      ...accessResolvers.Query,
      ...mfaResolvers.Query,
      ...adminResolvers.Query,
    },
    Mutation: {
      ...authResolvers.Mutation,
      ...userResolvers.Mutation,
      ...sessionResolvers.Mutation,
      ...productResolvers.Mutation,
      ...cartResolvers.Mutation,
      ...wishlistResolvers.Mutation,
      ...oidcResolvers.Mutation,
      ...accessResolvers.Mutation,
      ...emailResolvers.Mutation,
      ...mfaResolvers.Mutation,
    },
    Subscription: liveResolvers.Subscription,
    User: { ...cartResolvers.User, ...wishlistResolvers.User, ...oidcResolvers.User, ...accessResolvers.User, ...sessionResolvers.User, ...mfaResolvers.User },
    UserConnection: userResolvers.UserConnection,
    Session: sessionResolvers.Session,
    AuditEventConnection: auditResolvers.AuditEventConnection,
    AuditEvent: auditResolvers.AuditEvent,
    ProductConnection: productResolvers.ProductConnection,
    Cart: cartResolvers.Cart,
    CartItem: cartResolvers.CartItem,
    Wishlist: wishlistResolvers.Wishlist,
    Identity: oidcResolvers.Identity,
    ApiToken: accessResolvers.ApiToken,
    RoleDefinition: accessResolvers.RoleDefinition,
  };
  return applyAccessRules(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers }));
}
