import type { IdentityResolvers, MutationResolvers, QueryResolvers, UserResolvers } from '../../generated/graphql';
import { toPayload } from '../auth/auth.payload';
import { hasPassword as userHasPassword } from '../user/user.entity';
import { linkBinding, oidcCookies, setCookie } from './oidc.cookies';
import { FLOW_TTL } from './oidc.flow';
import { LINK_TICKET_TTL } from './oidc.service';

const authProviders: NonNullable<QueryResolvers['authProviders']> = (_p, _a, ctx) => ctx.services.oidc.list();

const myIdentities: NonNullable<QueryResolvers['myIdentities']> = async (_p, _a, ctx) =>
  ctx.services.oidc.identities.list(ctx.em, (await ctx.getUser()).id);

// The proof is checked before the one-time code is spent.
const completeExternalLogin: NonNullable<MutationResolvers['completeExternalLogin']> = async (_p, { code }, ctx) => {
  const jkt = await ctx.dpopKey();
  return toPayload(ctx, await ctx.services.oidc.completeExternalLogin(ctx.em, code, ctx.meta, jkt));
};

/** The ticket is bound to this browser by the link cookie, which must last until the flow's callback. */
const linkIdentity: NonNullable<MutationResolvers['linkIdentity']> = async (_p, { provider, redirect }, ctx) => {
  const { link } = oidcCookies(ctx.config);
  const binding = linkBinding(ctx.cookies[link.name]);
  const result = await ctx.services.oidc.linkIdentity(ctx.em, await ctx.getUser(), ctx.auth.claims!, provider, redirect, binding);
  ctx.reply.header('set-cookie', setCookie(link, binding, LINK_TICKET_TTL + FLOW_TTL));
  return result;
};

const unlinkIdentity: NonNullable<MutationResolvers['unlinkIdentity']> = async (_p, { id }, ctx) => {
  await ctx.services.oidc.identities.unlink(ctx.em, await ctx.getUser(), id, ctx.meta);
  return true;
};

const setPassword: NonNullable<MutationResolvers['setPassword']> = async (_p, { newPassword }, ctx) => {
  await ctx.services.oidc.identities.setPassword(ctx.em, await ctx.getUser(), ctx.auth.claims!, newPassword, ctx.meta);
  return true;
};

const Identity: IdentityResolvers = {
  providerName: (identity, _a, ctx) => ctx.services.oidc.providers.config(identity.provider)?.name ?? null,
};

const User: UserResolvers = {
  hasPassword: (user) => userHasPassword(user),
  // @policy(self) has checked: the account itself, users:read or roles:manage.
  signInMethods: async (user, _a, ctx) => ({ password: userHasPassword(user), identities: await ctx.services.oidc.identities.list(ctx.em, user.id) }),
};

export const oidcResolvers = {
  Query: { authProviders, myIdentities },
  Mutation: { completeExternalLogin, linkIdentity, unlinkIdentity, setPassword },
  Identity,
  User,
};
