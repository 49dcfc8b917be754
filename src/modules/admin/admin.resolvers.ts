import type { QueryResolvers } from '../../generated/graphql';

const authStats: NonNullable<QueryResolvers['authStats']> = (_p, { range }, ctx) => ctx.services.stats.stats(ctx.em, range);

export const adminResolvers = { Query: { authStats } };
