import type { Context } from '../../context';
import type { ApiTokenResolvers, MutationResolvers, QueryResolvers, RoleDefinitionResolvers, UserResolvers } from '../../generated/graphql';
import { isUuid } from '../../lib/ids';
import { assertFreshLogin } from '../oidc/identity.service';
import { assertMayActOn } from './account-guard';
import type { User as UserModel } from '../user/user.entity';
import type { Actor } from '../user/user.service';
import { ALL_PERMISSIONS, PERMISSIONS, SESSION_ONLY, splitScopes } from './permissions';
import type { Holdings } from './role.service';

/** The acting account with the permissions in effect on this request. */
async function actor(ctx: Context): Promise<Actor & { user: UserModel; permissions: ReadonlySet<string> }> {
  const [user, grant] = await Promise.all([ctx.getUser(), ctx.getGrant()]);
  return { user, meta: ctx.meta, permissions: grant.effective };
}

// User.roles and User.permissions over a page of users: one query per request and tick, not one per user.
interface Batch {
  users: UserModel[];
  loaded: Promise<Map<string, Holdings>>;
}
const batches = new WeakMap<Context, { cache: Map<string, Promise<Holdings>>; open: Batch | null }>();

function holdingsOf(ctx: Context, user: UserModel): Promise<Holdings> {
  let state = batches.get(ctx);
  if (!state) batches.set(ctx, (state = { cache: new Map(), open: null }));
  const known = state.cache.get(user.id);
  if (known) return known;
  if (!state.open) {
    const owner = state;
    const batch: Batch = { users: [], loaded: Promise.resolve(new Map()) };
    // After the sibling resolvers of this tick have queued theirs (DataLoader's timing).
    batch.loaded = new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
      if (owner.open === batch) owner.open = null;
      return ctx.services.roles.holdingsOf(ctx.em, batch.users);
    });
    state.open = batch;
  }
  state.open.users.push(user);
  const result = state.open.loaded.then((all) => all.get(user.id)!);
  state.cache.set(user.id, result);
  return result;
}

/** A role change in this request: later reads of roles and permissions load again. */
const forgetHoldings = (ctx: Context) => {
  batches.delete(ctx);
  holderCounts.delete(ctx);
};

const permissions: NonNullable<QueryResolvers['permissions']> = () => [...ALL_PERMISSIONS];

const permissionCatalogue: NonNullable<QueryResolvers['permissionCatalogue']> = () =>
  ALL_PERMISSIONS.map((name) => ({ name, description: PERMISSIONS[name], sessionOnly: SESSION_ONLY.has(name) }));

/** Every role's holders counted in one grouped query per request, however many roles are listed. */
const holderCounts = new WeakMap<Context, Promise<Map<string, number>>>();
const RoleDefinition: RoleDefinitionResolvers = {
  holderCount: async (role, _a, ctx) => {
    let counts = holderCounts.get(ctx);
    if (!counts) holderCounts.set(ctx, (counts = ctx.services.roles.holderCounts(ctx.em)));
    return (await counts).get(role.name) ?? 0;
  },
};

const roles: NonNullable<QueryResolvers['roles']> = (_p, _a, ctx) => ctx.services.roles.list(ctx.em);

const myApiTokens: NonNullable<QueryResolvers['myApiTokens']> = async (_p, _a, ctx) => ctx.services.apiTokens.list(ctx.em, (await ctx.getUser()).id);

/** With api-tokens:manage (the directive checked it), an account's tokens, unless it holds a permission the viewer lacks. */
const apiTokens: NonNullable<QueryResolvers['apiTokens']> = async (_p, { userId }, ctx) => {
  if (isUuid(userId)) await assertMayActOn(ctx.em, await actor(ctx), userId);
  return ctx.services.apiTokens.list(ctx.em, userId);
};

const createRole: NonNullable<MutationResolvers['createRole']> = async (_p, { name, permissions, description }, ctx) =>
  ctx.services.roles.create(ctx.em, await actor(ctx), name, permissions, description);

const updateRole: NonNullable<MutationResolvers['updateRole']> = async (_p, { name, permissions, description }, ctx) => {
  const result = await ctx.services.roles.update(ctx.em, await actor(ctx), name, permissions, description);
  forgetHoldings(ctx);
  return result;
};

const deleteRole: NonNullable<MutationResolvers['deleteRole']> = async (_p, { name }, ctx) => ctx.services.roles.delete(ctx.em, await actor(ctx), name);

const grantRole: NonNullable<MutationResolvers['grantRole']> = async (_p, { userId, role }, ctx) => {
  const user = await ctx.services.roles.grant(ctx.em, await actor(ctx), userId, role);
  forgetHoldings(ctx);
  return user;
};

const revokeRole: NonNullable<MutationResolvers['revokeRole']> = async (_p, { userId, role }, ctx) => {
  const user = await ctx.services.roles.revoke(ctx.em, await actor(ctx), userId, role);
  forgetHoldings(ctx);
  return user;
};

const createApiToken: NonNullable<MutationResolvers['createApiToken']> = async (_p, { name, scopes, expiresInDays }, ctx) => {
  const { user, permissions } = await actor(ctx);
  // A long-lived credential: minted only right after a sign-in, like a password change (@policy sessionToken has excluded API tokens).
  await ctx.services.stepUp.require(ctx.em, user.id, ctx.auth.claims!);
  return ctx.services.apiTokens.create(ctx.em, user, permissions, { name, scopes, expiresInDays }, ctx.meta);
};

const revokeApiToken: NonNullable<MutationResolvers['revokeApiToken']> = async (_p, { id }, ctx) => ctx.services.apiTokens.revoke(ctx.em, await actor(ctx), id);

const User: Pick<UserResolvers, 'roles' | 'permissions'> = {
  roles: async (user, _a, ctx) => (await holdingsOf(ctx, user)).roles,
  permissions: async (user, _a, ctx) => (await holdingsOf(ctx, user)).permissions,
};

const ApiToken: ApiTokenResolvers = {
  scopes: (token) => splitScopes(token.scopes),
};

export const accessResolvers = {
  Query: { permissions, permissionCatalogue, roles, myApiTokens, apiTokens },
  Mutation: { createRole, updateRole, deleteRole, grantRole, revokeRole, createApiToken, revokeApiToken },
  User,
  ApiToken,
  RoleDefinition,
};
