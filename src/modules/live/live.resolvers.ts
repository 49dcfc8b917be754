import type { Context } from '../../context';
import type { ResolversTypes, SubscriptionAuditEventAddedArgs, SubscriptionProductChangedArgs, SubscriptionResolverObject } from '../../generated/graphql';
import { matchesFilter } from '../audit/audit.service';
import type { AuditEventType } from '../audit/audit-event.entity';
import type { AuditNotice } from './live.bus';

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

/** Events a subscriber may fall behind by before the oldest are dropped (a tail, not a replay). */
const AUDIT_BACKLOG = 200;

const auditEventAdded: Live<ResolversTypes['AuditEvent'], SubscriptionAuditEventAddedArgs> = {
  // @requiresScopes(audit:read) has checked, and checks again per event; a socket that loses it is closed (live.sockets.ts).
  subscribe: (_p, { filter }, ctx) =>
    ctx.services.live.listen('audit', { keep: AUDIT_BACKLOG, accept: (n) => matchesFilter({ ...(n as AuditNotice), type: (n as AuditNotice).type as AuditEventType }, filter ?? {}) }),
  resolve: async (wake, _a, ctx) => {
    // A re-check of this account's sockets under way (its roles or sessions just changed) decides first.
    await ctx.services.live.settled((await ctx.getUser()).id);
    const event = await once(wake, () => ctx.services.audit.get(ctx.em, (wake as AuditNotice).id));
    if (!event) throw new Error('audit event named on the bus is not in the database');
    return event;
  },
};

export const liveResolvers = { Subscription: { cartChanged, productChanged, auditEventAdded } };
