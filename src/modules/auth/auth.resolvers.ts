import type { MutationResolvers } from '../../generated/graphql';
import { UnauthenticatedError } from '../../errors';
import { toPayload } from './auth.payload';
import { clearRefreshCookie, cookieMode, presentedRefreshToken } from './refresh-cookie';

// A DPoP proof on the request (checked before any password work) binds the new session to its key.
const register: NonNullable<MutationResolvers['register']> = async (_p, { input }, ctx) => {
  const jkt = await ctx.dpopKey();
  return toPayload(ctx, await ctx.services.auth.register(ctx.em, input, ctx.meta, jkt));
};

const login: NonNullable<MutationResolvers['login']> = async (_p, { input }, ctx) => {
  const jkt = await ctx.dpopKey();
  return toPayload(ctx, await ctx.services.auth.login(ctx.em, input, ctx.meta, jkt));
};

const refreshToken: NonNullable<MutationResolvers['refreshToken']> = async (_p, args, ctx) => {
  const presented = presentedRefreshToken(ctx, args.refreshToken);
  if (!presented) throw new UnauthenticatedError('TOKEN_MISSING');
  const jkt = await ctx.dpopKey();
  return toPayload(ctx, await ctx.services.auth.refresh(ctx.em, presented, ctx.meta, jkt).catch((err: unknown) => ctx.services.dpop.rethrow(err)));
};

const changePassword: NonNullable<MutationResolvers['changePassword']> = async (_p, { input }, ctx) => {
  const viewer = await ctx.getUser();
  const { issued, apiTokensRevoked } = await ctx.services.auth.changePassword(ctx.em, viewer, ctx.auth.claims!, input, ctx.meta);
  return { ...toPayload(ctx, issued), apiTokensRevoked };
};

const deleteAccount: NonNullable<MutationResolvers['deleteAccount']> = async (_p, { currentPassword }, ctx) => {
  const viewer = await ctx.getUser();
  await ctx.services.auth.deleteAccount(ctx.em, viewer, ctx.auth.claims!, currentPassword, ctx.meta);
  if (cookieMode(ctx)) clearRefreshCookie(ctx);
  return true;
};

export const authResolvers = { Mutation: { register, login, refreshToken, changePassword, deleteAccount } };
