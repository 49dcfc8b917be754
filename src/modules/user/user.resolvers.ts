import type { Context } from '../../context';
import type { MutationResolvers, QueryResolvers, UserConnectionResolvers } from '../../generated/graphql';
import { encodeUserCursor } from './user.service';

const me: NonNullable<QueryResolvers['me']> = (_p, _a, ctx) => ctx.getUser();

const users: NonNullable<QueryResolvers['users']> = (_p, { first, after, search, orderBy }, ctx) =>
  ctx.services.users.page(ctx.em, first ?? 20, after, { search, orderBy });

const user: NonNullable<QueryResolvers['user']> = (_p, { id }, ctx) => ctx.services.users.find(ctx.em, id);

/** The acting account, with the permissions in effect on this request (the services check what it may give or take). */
const actor = async (ctx: Context) => ({ user: await ctx.getUser(), meta: ctx.meta, permissions: (await ctx.getGrant()).effective });

const setUserActive: NonNullable<MutationResolvers['setUserActive']> = async (_p, { userId, active }, ctx) =>
  ctx.services.users.setActive(ctx.em, await actor(ctx), userId, active);

const setUserRole: NonNullable<MutationResolvers['setUserRole']> = async (_p, { userId, role }, ctx) =>
  ctx.services.roles.setBuiltIn(ctx.em, await actor(ctx), userId, role);

const UserConnection: UserConnectionResolvers = {
  edges: (page) => page.users.map((node) => ({ cursor: encodeUserCursor(page.order, node), node })),
  pageInfo: (page) => {
    const last = page.users[page.users.length - 1];
    return { hasNextPage: page.hasNextPage, endCursor: last ? encodeUserCursor(page.order, last) : null };
  },
};

export const userResolvers = { Query: { me, users, user }, Mutation: { setUserActive, setUserRole }, UserConnection };
