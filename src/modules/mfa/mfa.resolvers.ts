import type { Context } from '../../context';
import type { MutationResolvers, QueryResolvers, UserResolvers } from '../../generated/graphql';
import type { User as UserModel } from '../user/user.entity';
import { toPayload } from '../auth/auth.payload';
import { hasSecondFactor, methodsOf, type MfaStatus } from './mfa.service';

/** The viewer after the step-up check every factor change makes (a recent sign-in, with the second factor if any). */
async function steppedUp(ctx: Context): Promise<UserModel> {
  const viewer = await ctx.getUser();
  await ctx.services.stepUp.require(ctx.em, viewer.id, ctx.auth.claims!);
  return viewer;
}

const startTotpEnrollment: NonNullable<MutationResolvers['startTotpEnrollment']> = async (_p, _a, ctx) =>
  ctx.services.mfa.startTotp(ctx.em, await steppedUp(ctx));

const confirmTotpEnrollment: NonNullable<MutationResolvers['confirmTotpEnrollment']> = async (_p, { code }, ctx) =>
  ctx.services.mfa.confirmTotp(ctx.em, await steppedUp(ctx), code, ctx.meta);

const disableTotp: NonNullable<MutationResolvers['disableTotp']> = async (_p, { code }, ctx) => {
  await ctx.services.mfa.disableTotp(ctx.em, await steppedUp(ctx), code, ctx.meta);
  return true;
};

const regenerateRecoveryCodes: NonNullable<MutationResolvers['regenerateRecoveryCodes']> = async (_p, { code }, ctx) =>
  ctx.services.mfa.regenerateRecoveryCodes(ctx.em, await steppedUp(ctx), code, ctx.meta);

const completeMfaLogin: NonNullable<MutationResolvers['completeMfaLogin']> = async (_p, { mfaToken, code }, ctx) =>
  toPayload(ctx, await ctx.services.mfaLogin.completeWithCode(ctx.em, mfaToken, code, ctx.meta, await ctx.dpopKey()));

const startPasskeyRegistration: NonNullable<MutationResolvers['startPasskeyRegistration']> = async (_p, _a, ctx) =>
  ctx.services.passkeys.registrationOptions(ctx.em, await steppedUp(ctx));

const finishPasskeyRegistration: NonNullable<MutationResolvers['finishPasskeyRegistration']> = async (_p, { response, name }, ctx) => {
  const viewer = await steppedUp(ctx);
  const passkey = await ctx.services.passkeys.register(ctx.em, viewer.id, response, name);
  ctx.services.mfa.passkeyAdded(viewer.id, passkey, ctx.meta);
  return passkey;
};

const startPasskeyLogin: NonNullable<MutationResolvers['startPasskeyLogin']> = (_p, { mfaToken }, ctx) =>
  ctx.services.mfaLogin.startPasskey(ctx.em, mfaToken, ctx.meta);

const finishPasskeyLogin: NonNullable<MutationResolvers['finishPasskeyLogin']> = async (_p, { response, mfaToken }, ctx) =>
  toPayload(ctx, await ctx.services.mfaLogin.finishPasskey(ctx.em, response, mfaToken, ctx.meta, await ctx.dpopKey()));

const renamePasskey: NonNullable<MutationResolvers['renamePasskey']> = async (_p, { id, name }, ctx) =>
  ctx.services.mfa.renamePasskey(ctx.em, await ctx.getUser(), id, name);

const deletePasskey: NonNullable<MutationResolvers['deletePasskey']> = async (_p, { id }, ctx) => {
  await ctx.services.mfa.deletePasskey(ctx.em, await steppedUp(ctx), id, ctx.meta);
  return true;
};

const resetMfa: NonNullable<MutationResolvers['resetMfa']> = async (_p, { userId }, ctx) =>
  ctx.services.mfa.reset(ctx.em, { user: await ctx.getUser(), meta: ctx.meta, permissions: (await ctx.getGrant()).effective }, userId);

const myPasskeys: NonNullable<QueryResolvers['myPasskeys']> = async (_p, _a, ctx) => ctx.services.mfa.listPasskeys(ctx.em, (await ctx.getUser()).id);

/** One status read per user per request, however many of the three fields are asked for. */
const statusOf = (ctx: Context, user: UserModel): Promise<MfaStatus> => {
  const cache = ((ctx as Context & { mfaStatus?: Map<string, Promise<MfaStatus>> }).mfaStatus ??= new Map());
  if (!cache.has(user.id)) cache.set(user.id, ctx.services.mfa.status(ctx.em, user.id));
  return cache.get(user.id)!;
};

const User: Pick<UserResolvers, 'mfaEnabled' | 'mfaMethods' | 'recoveryCodesLeft' | 'mfaFactors'> = {
  // @policy(self) has checked; the Passkey type has no key material, only names and times.
  mfaFactors: async (user, _a, ctx) => {
    const [status, passkeys] = await Promise.all([statusOf(ctx, user), ctx.services.mfa.listPasskeys(ctx.em, user.id)]);
    return { totp: status.totp, passkeys, recoveryCodesLeft: status.recoveryCodesLeft };
  },
  mfaEnabled: async (user, _a, ctx) => hasSecondFactor(await statusOf(ctx, user)),
  mfaMethods: async (user, _a, ctx) => methodsOf(await statusOf(ctx, user)),
  recoveryCodesLeft: async (user, _a, ctx) => (await statusOf(ctx, user)).recoveryCodesLeft,
};

export const mfaResolvers = {
  Query: { myPasskeys },
  Mutation: {
    startTotpEnrollment,
    confirmTotpEnrollment,
    disableTotp,
    regenerateRecoveryCodes,
    completeMfaLogin,
    startPasskeyRegistration,
    finishPasskeyRegistration,
    startPasskeyLogin,
    finishPasskeyLogin,
    renamePasskey,
    deletePasskey,
    resetMfa,
  },
  User,
};
