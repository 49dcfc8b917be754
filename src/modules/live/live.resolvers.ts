import type { Context } from '../../context';
import type { ResolversTypes, SubscriptionProductChangedArgs, SubscriptionResolverObject } from '../../generated/graphql';

type Live<TResult, TArgs = Record<string, never>> = SubscriptionResolverObject<TResult, unknown, Context, TArgs>;

/**
 * One load per event, shared by every subscription it wakes (a user's ten tabs, a product's watchers):
 * events carry ids only, and the state is read once on a fresh fork, then only serialised per socket.
 */
const loads = new WeakMap<object, Promise<unknown>>();
function once<T>(wake: unknown, load: () => Promise<T>): Promise<T> {
  const event = wake as object;
  if (!event || typeof event !== 'object') return load();
  let loaded = loads.get(event) as Promise<T> | undefined;
  if (!loaded) loads.set(event, (loaded = load()));
  return loaded;
}

const cartChanged: Live<ResolversTypes['Cart']> = {
  // @authenticated has checked the token (session or API token); the topic is the viewer's own, so no other cart can arrive.
  subscribe: async (_p, _a, ctx) => ctx.services.live.listen(`cart:${(await ctx.getUser()).id}`),
  resolve: async (wake, _a, ctx) => {
    const viewer = await ctx.getUser();
    return once(wake, () => ctx.services.carts.view(ctx.em, viewer));
  },
};

const productChanged: Live<ResolversTypes['Product'] | null, SubscriptionProductChangedArgs> = {
  subscribe: (_p, { id }, ctx) => ctx.services.live.listen(`product:${id}`),
  resolve: (wake, { id }, ctx) => once(wake, () => ctx.services.products.find(ctx.em, id)),
};

export const liveResolvers = { Subscription: { cartChanged, productChanged } };
