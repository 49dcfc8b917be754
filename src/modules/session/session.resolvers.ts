import type { MutationResolvers, QueryResolvers, SessionResolvers } from '../../generated/graphql';
import { clearRefreshCookie, cookieMode, presentedRefreshToken } from '../auth/refresh-cookie';

const mySessions: NonNullable<QueryResolvers['mySessions']> = async (_p, _a, ctx) =>
  ctx.services.sessions.listLive(ctx.em, (await ctx.getUser()).id);

/** Ends the session of the given (or cookie) refresh token, else the bearer token's own session. */
const logout: NonNullable<MutationResolvers['logout']> = async (_p, args, ctx) => {
  const presented = presentedRefreshToken(ctx, args.refreshToken);
  if (cookieMode(ctx)) clearRefreshCookie(ctx);
  if (presented) return ctx.services.sessions.endByRefreshToken(ctx.em, presented, ctx.meta);
  await ctx.getUser();
  return ctx.services.sessions.end(ctx.em, ctx.auth.claims!.sid, 'LOGOUT', ctx.meta);
};

const logoutAll: NonNullable<MutationResolvers['logoutAll']> = async (_p, _a, ctx) => {
  const viewer = await ctx.getUser();
  await ctx.services.sessions.endAllForUser(ctx.em, viewer.id, 'LOGOUT_ALL', { meta: ctx.meta });
  if (cookieMode(ctx)) clearRefreshCookie(ctx);
  return true;
};

const revokeSession: NonNullable<MutationResolvers['revokeSession']> = async (_p, { id }, ctx) => {
  const viewer = await ctx.getUser();
  const session = await ctx.services.sessions.getOwned(ctx.em, viewer.id, id);
  await ctx.services.sessions.end(ctx.em, session.id, 'REVOKED', ctx.meta);
  return true;
};

const Session: SessionResolvers = {
  current: (session, _a, ctx) => ctx.auth.claims?.sid === session.id,
};

export const sessionResolvers = { Query: { mySessions }, Mutation: { logout, logoutAll, revokeSession }, Session };
