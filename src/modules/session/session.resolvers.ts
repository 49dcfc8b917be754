import type { MutationResolvers, QueryResolvers, SessionResolvers, UserResolvers } from '../../generated/graphql';
import { ForbiddenError } from '../../errors';
import { assertMayActOn } from '../access/account-guard';
import { clearRefreshCookie, cookieMode, presentedRefreshToken } from '../auth/refresh-cookie';

const mySessions: NonNullable<QueryResolvers['mySessions']> = async (_p, _a, ctx) =>
  ctx.services.sessions.listLive(ctx.em, (await ctx.getUser()).id);

/** Ends the session of the given (or cookie) refresh token, else the bearer token's own session. */
const logout: NonNullable<MutationResolvers['logout']> = async (_p, args, ctx) => {
  const presented = presentedRefreshToken(ctx, args.refreshToken);
  if (cookieMode(ctx)) clearRefreshCookie(ctx);
  if (presented) {
    const jkt = await ctx.dpopKey();
    return ctx.services.sessions.endByRefreshToken(ctx.em, presented, ctx.meta, jkt).catch((err: unknown) => ctx.services.dpop.rethrow(err));
  }
  await ctx.getUser();
  // An API token has no session to end (revokeApiToken ends the token).
  if (!ctx.auth.claims) return false;
  return ctx.services.sessions.end(ctx.em, ctx.auth.claims.sid, 'LOGOUT', ctx.meta);
};

const logoutAll: NonNullable<MutationResolvers['logoutAll']> = async (_p, _a, ctx) => {
  const viewer = await ctx.getUser();
  await ctx.services.sessions.endAllForUser(ctx.em, viewer.id, 'LOGOUT_ALL', { meta: ctx.meta });
  if (cookieMode(ctx)) clearRefreshCookie(ctx);
  return true;
};

/**
 * The viewer's own session, or with sessions:manage one of an account holding no permission the viewer lacks;
 * others' are NOT_FOUND without it.
 */
const revokeSession: NonNullable<MutationResolvers['revokeSession']> = async (_p, { id }, ctx) => {
  const viewer = await ctx.getUser();
  const grant = await ctx.getGrant();
  const anyone = grant.effective.has('sessions:manage');
  const session = await ctx.services.sessions.getOwned(ctx.em, anyone ? null : viewer.id, id);
  if (session.userId !== viewer.id) await assertMayActOn(ctx.em, { user: viewer, permissions: grant.effective }, session.userId);
  await ctx.services.sessions.end(ctx.em, session.id, 'REVOKED', ctx.meta, viewer.id);
  return true;
};

/** sessions:manage (the directive checked it) over an account holding no permission the viewer lacks; its sockets close. */
const revokeUserSessions: NonNullable<MutationResolvers['revokeUserSessions']> = async (_p, { userId }, ctx) => {
  // Like revokeSession: ending other people's sessions needs a person signed in, never a script's token.
  if (ctx.auth.apiToken) throw new ForbiddenError('API_TOKEN_NOT_ALLOWED', 'sessions:manage');
  const viewer = await ctx.getUser();
  const target = await ctx.services.users.get(ctx.em, userId);
  await assertMayActOn(ctx.em, { user: viewer, permissions: (await ctx.getGrant()).effective }, target);
  return ctx.services.sessions.endAllForUser(ctx.em, target.id, 'LOGOUT_ALL', { meta: ctx.meta, actorId: viewer.id });
};

const Session: SessionResolvers = {
  current: (session, _a, ctx) => ctx.auth.claims?.sid === session.id,
};

const User: Pick<UserResolvers, 'sessions'> = {
  // @policy(ownSessions) has checked: the viewer's own, or sessions:manage over an account it outranks.
  sessions: (user, _a, ctx) => ctx.services.sessions.listLive(ctx.em, user.id),
};

export const sessionResolvers = { Query: { mySessions }, Mutation: { logout, logoutAll, revokeSession, revokeUserSessions }, Session, User };
