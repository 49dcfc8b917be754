import type { Context } from '../../context';
import type { ResolversTypes, SubscriptionProductChangedArgs, SubscriptionResolverObject } from '../../generated/graphql';

type Live<TResult, TArgs = Record<string, never>> = SubscriptionResolverObject<TResult, unknown, Context, TArgs>;

// Events carry ids only; every delivery loads the current state on a fresh EntityManager fork.
const cartChanged: Live<ResolversTypes['Cart']> = {
  // @authenticated has checked the token (session or API token); the topic is the viewer's own, so no other cart can arrive.
  subscribe: async (_p, _a, ctx) => ctx.services.live.listen(`cart:${(await ctx.getUser()).id}`),
  resolve: async (_event, _a, ctx) => ctx.services.carts.view(ctx.em, await ctx.getUser()),
};

const productChanged: Live<ResolversTypes['Product'] | null, SubscriptionProductChangedArgs> = {
  subscribe: (_p, { id }, ctx) => ctx.services.live.listen(`product:${id}`),
  resolve: (_event, { id }, ctx) => ctx.services.products.find(ctx.em, id),
};

export const liveResolvers = { Subscription: { cartChanged, productChanged } };
