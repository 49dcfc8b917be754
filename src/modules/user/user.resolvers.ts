import type { MutationResolvers, QueryResolvers, UserConnectionResolvers } from '../../generated/graphql';
import { edgesOf, pageInfoOf } from '../../lib/pagination';
import { USER_CURSOR } from './user.service';

const me: NonNullable<QueryResolvers['me']> = (_p, _a, ctx) => ctx.getUser();

const users: NonNullable<QueryResolvers['users']> = (_p, { first, after }, ctx) =>
  ctx.services.users.page(ctx.em, first ?? 20, after);

const setUserActive: NonNullable<MutationResolvers['setUserActive']> = async (_p, { userId, active }, ctx) =>
  ctx.services.users.setActive(ctx.em, { user: await ctx.getUser(), meta: ctx.meta }, userId, active);

const setUserRole: NonNullable<MutationResolvers['setUserRole']> = async (_p, { userId, role }, ctx) =>
  ctx.services.users.setRole(ctx.em, { user: await ctx.getUser(), meta: ctx.meta }, userId, role);

const UserConnection: UserConnectionResolvers = {
  edges: (page) => edgesOf(USER_CURSOR, page.users),
  pageInfo: (page) => pageInfoOf(USER_CURSOR, page.users, page.hasNextPage),
};

export const userResolvers = { Query: { me, users }, Mutation: { setUserActive, setUserRole }, UserConnection };
