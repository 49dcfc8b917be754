import type { MutationResolvers } from '../../generated/graphql';
import { toPayload } from '../auth/auth.payload';

const sendEmailVerification: NonNullable<MutationResolvers['sendEmailVerification']> = async (_p, _a, ctx) =>
  ctx.services.emails.sendVerification(ctx.em, await ctx.getUser(), ctx.meta);

const verifyEmail: NonNullable<MutationResolvers['verifyEmail']> = (_p, { token }, ctx) => ctx.services.emails.verify(ctx.em, token, ctx.meta);

const requestPasswordReset: NonNullable<MutationResolvers['requestPasswordReset']> = (_p, { email }, ctx) =>
  ctx.services.emails.requestReset(ctx.em, email, ctx.meta);

const resetPassword: NonNullable<MutationResolvers['resetPassword']> = async (_p, { token, newPassword }, ctx) =>
  toPayload(ctx, await ctx.services.emails.reset(ctx.em, token, newPassword, ctx.meta, await ctx.dpopKey()));

const changeEmail: NonNullable<MutationResolvers['changeEmail']> = async (_p, { newEmail, currentPassword }, ctx) =>
  ctx.services.emails.changeEmail(ctx.em, await ctx.getUser(), ctx.auth.claims!, { newEmail, currentPassword }, ctx.meta);

const sendPasswordReset: NonNullable<MutationResolvers['sendPasswordReset']> = async (_p, { userId }, ctx) =>
  ctx.services.emails.adminReset(ctx.em, { user: await ctx.getUser(), meta: ctx.meta, permissions: (await ctx.getGrant()).effective }, userId);

export const emailResolvers = { Mutation: { sendEmailVerification, verifyEmail, requestPasswordReset, resetPassword, changeEmail, sendPasswordReset } };
